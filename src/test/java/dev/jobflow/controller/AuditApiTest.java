package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.http.ApiAuthorizer;
import dev.jobflow.http.AuditRoutes;
import dev.jobflow.http.HttpFront;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit API through the controller's real HTTP front, with tokens and permissions checked by TokenReview
 * and SubjectAccessReview against the emulator: alice may read flows in "default", bob may read nothing,
 * carol may read everywhere.
 */
class AuditApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  @TempDir
  static Path dir;
  static ControllerHarness harness;
  static String uid;

  @BeforeAll
  static void start() throws Exception {
    harness = new ControllerHarness(dir);
    harness.emulator.accessReviews()
        .addToken("alice-token", "alice", "auditors")
        .allow("alice", "get", ApiAuthorizer.GROUP, ApiAuthorizer.RESOURCE, "default")
        .addToken("bob-token", "bob")
        .allow("bob", "get", "", "pods", "default")
        .addToken("carol-token", "carol", "sre")
        .allow("sre", "get", ApiAuthorizer.GROUP, ApiAuthorizer.RESOURCE, null);
    harness.submit(flow("served", "", step("one", List.of(), "50ms", "Succeeded")
        + step("two", List.of("one"), "50ms", "Succeeded"), null));
    uid = harness.awaitPhase("served", FlowPhase.Succeeded).getMetadata().getUid();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    return get(harness.controller.httpPort(), path, token);
  }

  @Test
  void anAllowedUserGetsTheFlowsTimeline() throws Exception {
    HttpResponse<String> r = get("/api/v1/namespaces/default/jobflows/served/history", "alice-token");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode doc = JSON.readTree(r.body());
    assertEquals("served", doc.path("name").asText());
    JsonNode flow = doc.path("flows").get(0);
    assertEquals(uid, flow.path("uid").asText());
    JsonNode events = flow.path("events");
    assertEquals("FlowAccepted", events.get(0).path("type").asText());
    assertEquals("FlowSucceeded", events.get(events.size() - 1).path("type").asText());
    assertEquals(1, events.get(0).path("sequenceNr").asLong());

    HttpResponse<String> byUid = get("/api/v1/namespaces/default/jobflows/served/history?uid=" + uid, "alice-token");
    assertEquals(200, byUid.statusCode(), byUid.body());
    assertEquals(r.body(), byUid.body(), "one flow of that name: the same document");
  }

  @Test
  void noOrABadTokenIs401() throws Exception {
    HttpResponse<String> none = get("/api/v1/namespaces/default/jobflows/served/history", null);
    assertEquals(401, none.statusCode(), none.body());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
    HttpResponse<String> bad = get("/api/v1/namespaces/default/jobflows/served/history", "stolen-token");
    assertEquals(401, bad.statusCode(), bad.body());
    assertTrue(JSON.readTree(bad.body()).path("message").asText().contains("not accepted"), bad.body());
    assertEquals(401, get("/api/v1/history", null).statusCode());
  }

  @Test
  void aUserWithoutPermissionIs403() throws Exception {
    HttpResponse<String> bob = get("/api/v1/namespaces/default/jobflows/served/history", "bob-token");
    assertEquals(403, bob.statusCode(), bob.body());
    assertEquals("user \"bob\" cannot get resource \"jobflows\" in API group \"jobflow.dev\" in namespace default",
        JSON.readTree(bob.body()).path("message").asText());
    HttpResponse<String> otherNs = get("/api/v1/namespaces/kube-system/jobflows/served/history", "alice-token");
    assertEquals(403, otherNs.statusCode(), otherNs.body());
    HttpResponse<String> clusterWide = get("/api/v1/history", "alice-token");
    assertEquals(403, clusterWide.statusCode(), "alice may read one namespace, not all: " + clusterWide.body());
  }

  @Test
  void anUnknownFlowIs404() throws Exception {
    HttpResponse<String> r = get("/api/v1/namespaces/default/jobflows/never-ran/history", "alice-token");
    assertEquals(404, r.statusCode(), r.body());
    assertEquals("no flow default/never-ran in the journal", JSON.readTree(r.body()).path("message").asText());
    HttpResponse<String> wrongUid = get("/api/v1/namespaces/default/jobflows/served/history?uid=nope", "alice-token");
    assertEquals(404, wrongUid.statusCode(), wrongUid.body());
  }

  @Test
  void clusterWideHistoryForAClusterWideReader() throws Exception {
    HttpResponse<String> r = get("/api/v1/history?since=2020-01-01T00:00:00Z", "carol-token");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode events = JSON.readTree(r.body()).path("events");
    assertTrue(events.size() >= 8, r.body());
    assertTrue(events.findValuesAsText("uid").contains(uid));
    HttpResponse<String> limited = get("/api/v1/history?limit=2", "carol-token");
    JsonNode doc = JSON.readTree(limited.body());
    assertEquals(2, doc.path("events").size(), limited.body());
    assertTrue(doc.path("truncated").asBoolean(), limited.body());
    HttpResponse<String> future = get("/api/v1/history?since=2999-01-01", "carol-token");
    assertEquals(0, JSON.readTree(future.body()).path("events").size(), future.body());
    assertEquals(400, get("/api/v1/history?since=tomorrow", "carol-token").statusCode());
  }

  @Test
  void devModeNeedsNoToken() throws Exception {
    var system = harness.controller.system();
    HttpFront front = HttpFront.http(system, "127.0.0.1", 0,
        AuditRoutes.create(system, new FlowHistory(system), ApiAuthorizer.disabled()))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      HttpResponse<String> r = get(front.port(), "/api/v1/namespaces/default/jobflows/served/history", null);
      assertEquals(200, r.statusCode(), r.body());
    } finally {
      front.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
