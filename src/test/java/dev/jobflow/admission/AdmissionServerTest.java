package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.admission.AdmissionObserver.Endpoint;
import dev.jobflow.admission.AdmissionObserver.Verdict;
import dev.jobflow.admission.WebhookClient.Answer;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook through its real HTTPS server, with AdmissionReviews as the API server sends them. */
class AdmissionServerTest {
  record Observed(Endpoint endpoint, String operation, Verdict verdict) {}

  @TempDir static Path dir;
  static ActorTestKit kit;
  static AdmissionServer server;
  static WebhookClient webhook;
  static final ConcurrentLinkedQueue<Observed> observed = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create("admission");
    Issued cert = TestCertificates.ec("jobflow-webhook.jobflow-system.svc");
    Path[] files = cert.writeTo(dir, KeyFormat.TRADITIONAL);
    server = AdmissionServer.start(kit.system(), AdmissionSettings.of("127.0.0.1", 0, files[0], files[1]),
        new JobFlowValidator(), (endpoint, operation, verdict, nanos) -> {
          assertTrue(nanos >= 0);
          observed.add(new Observed(endpoint, operation, verdict));
        }).toCompletableFuture().get();
    webhook = new WebhookClient(cert.httpClient(), server.port());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  // --- /validate ---

  @Test
  void admitsAValidCreateAndEchoesTheUid() throws Exception {
    ObjectNode review = Reviews.create();
    Answer answer = webhook.post("/validate", review);
    assertEquals(200, answer.status());
    assertEquals("admission.k8s.io/v1", answer.json().path("apiVersion").asText());
    assertEquals("AdmissionReview", answer.json().path("kind").asText());
    assertEquals(Reviews.uid(review), answer.response().path("uid").asText());
    assertTrue(answer.allowed(), answer.body());
    assertTrue(observed.contains(new Observed(Endpoint.VALIDATE, "CREATE", Verdict.ALLOWED)));
  }

  @Test
  void deniesAnInvalidCreateListingEveryProblemWithItsPath() throws Exception {
    ObjectNode flow = Reviews.flow();
    Reviews.spec(flow).putArray("steps");
    ObjectNode review = Reviews.create(flow);
    Answer answer = webhook.post("/validate", review);
    assertEquals(200, answer.status(), "the verdict travels in the AdmissionReview, not the HTTP status");
    assertFalse(answer.allowed());
    assertEquals(Reviews.uid(review), answer.response().path("uid").asText());
    assertEquals(422, answer.response().path("status").path("code").asInt());
    List<Problem> problems = new JobFlowValidator().validate(JobFlowYaml.fromTree(flow, "flow"));
    assertFalse(problems.isEmpty());
    for (Problem problem : problems) {
      assertTrue(answer.message().contains(problem.path() + ": " + problem.message()), answer.message());
    }
    assertTrue(answer.message().startsWith("JobFlow data/nightly-etl is not valid: "), answer.message());
    assertTrue(observed.contains(new Observed(Endpoint.VALIDATE, "CREATE", Verdict.DENIED)));
  }

  @Test
  void deniesAJobFlowThatDoesNotFitTheSchemaNamingWhy() throws Exception {
    ObjectNode flow = Reviews.flow();
    Reviews.spec(flow).put("steps", "extract");
    Answer answer = webhook.post("/validate", Reviews.create(flow));
    assertEquals(200, answer.status());
    assertFalse(answer.allowed());
    assertTrue(answer.message().contains("does not fit the JobFlow schema"), answer.message());
  }

  @Test
  void dryRunGetsTheSameVerdict() throws Exception {
    ObjectNode valid = Reviews.create();
    Reviews.request(valid).put("dryRun", true);
    assertTrue(webhook.post("/validate", valid).allowed());

    ObjectNode flow = Reviews.flow();
    Reviews.spec(flow).putArray("steps");
    ObjectNode invalid = Reviews.create(flow);
    Reviews.request(invalid).put("dryRun", true);
    Answer answer = webhook.post("/validate", invalid);
    assertFalse(answer.allowed());
    assertTrue(answer.message().contains("spec.steps"), answer.message());

    Answer mutated = webhook.post("/mutate", valid);
    assertEquals(Reviews.uid(valid), mutated.response().path("uid").asText());
    assertNotNull(mutated.patch());
  }

  @Test
  void allowsAnyChangeBeforeTheFlowHasStarted() throws Exception {
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Pending");
    ObjectNode after = before.deepCopy();
    Reviews.step(after, 0).put("name", "extract-all");
    Reviews.step(after, 1).putArray("dependsOn").add("extract-all");
    assertTrue(webhook.post("/validate", Reviews.update(before, after)).allowed());

    ObjectNode noStatus = Reviews.flow();
    ObjectNode changed = noStatus.deepCopy();
    Reviews.spec(changed).put("timeout", "3h");
    assertTrue(webhook.post("/validate", Reviews.update(noStatus, changed)).allowed());
  }

  @Test
  void allowsSuspendParallelismAndShutdownOnAStartedFlow() throws Exception {
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Running");
    ObjectNode after = before.deepCopy();
    Reviews.spec(after).put("suspend", true).put("parallelism", 1).put("shutdown", "Stop");
    Answer answer = webhook.post("/validate", Reviews.update(before, after));
    assertTrue(answer.allowed(), answer.body());
    assertTrue(observed.contains(new Observed(Endpoint.VALIDATE, "UPDATE", Verdict.ALLOWED)));
  }

  @Test
  void deniesOtherSpecChangesOnceStartedNamingEachPath() throws Exception {
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Running");
    ObjectNode after = before.deepCopy();
    ((ObjectNode) Reviews.step(after, 0).at("/template/template/spec/containers/0")).put("image", "busybox:1.37");
    Reviews.spec(after).put("timeout", "3h").put("suspend", true);
    Answer answer = webhook.post("/validate", Reviews.update(before, after));
    assertFalse(answer.allowed());
    assertTrue(answer.message().contains("spec.steps[0].template.template.spec.containers[0].image: cannot change "
        + "once the flow has started (phase Running)"), answer.message());
    assertTrue(answer.message().contains("spec.timeout: cannot change"), answer.message());
    assertFalse(answer.message().contains("spec.suspend:"), answer.message());
    assertTrue(observed.contains(new Observed(Endpoint.VALIDATE, "UPDATE", Verdict.DENIED)));
  }

  @Test
  void aFinishedFlowIsImmutableTooAndTheNewStatusCountsAsWell() throws Exception {
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Succeeded");
    ObjectNode after = before.deepCopy();
    Reviews.spec(after).withArrayProperty("steps").remove(1);
    Answer answer = webhook.post("/validate", Reviews.update(before, after));
    assertFalse(answer.allowed());
    assertTrue(answer.message().contains("spec.steps: cannot change once the flow has started (phase Succeeded)"),
        answer.message());

    ObjectNode pendingBefore = Reviews.flow();
    ObjectNode failedAfter = Reviews.withPhase(pendingBefore, "Failed");
    Reviews.spec(failedAfter).put("timeout", "1m");
    assertFalse(webhook.post("/validate", Reviews.update(pendingBefore, failedAfter)).allowed());
  }

  @Test
  void metadataOnlyUpdatesPassEvenForAFlowInvalidUnderNewerRules() throws Exception {
    ObjectNode stored = Reviews.withPhase(Reviews.flow(), "Running");
    Reviews.spec(stored).putArray("steps");
    ObjectNode after = stored.deepCopy();
    ((ObjectNode) after.get("metadata")).putArray("finalizers");
    ((ObjectNode) after.get("metadata")).withObjectProperty("labels").put("owner", "bob");
    assertTrue(webhook.post("/validate", Reviews.update(stored, after)).allowed());
  }

  @Test
  void aStartedFlowCanBeSuspendedEvenIfNewerRulesRejectItsFrozenSpec() throws Exception {
    ObjectNode stored = Reviews.withPhase(Reviews.flow(), "Running");
    Reviews.spec(stored).putArray("steps");
    ObjectNode after = stored.deepCopy();
    Reviews.spec(after).put("suspend", true).put("shutdown", "Terminate");
    Answer answer = webhook.post("/validate", Reviews.update(stored, after));
    assertTrue(answer.allowed(), answer.body());
    // While it is still Pending, the same change is judged by every rule.
    ObjectNode pending = Reviews.withPhase(stored, "Pending");
    ObjectNode pendingAfter = Reviews.withPhase(after, "Pending");
    assertFalse(webhook.post("/validate", Reviews.update(pending, pendingAfter)).allowed());
  }

  @Test
  void defaultsAddedByTheMutatingWebhookDoNotCountAsChanges() throws Exception {
    // Stored before the webhook existed, updated through it: the patch adds defaults to a running flow.
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Running");
    ObjectNode after = Reviews.applyPatch(before, FlowDefaults.patchFor(before));
    assertFalse(FlowDefaults.patchFor(before).isEmpty());
    assertTrue(webhook.post("/validate", Reviews.update(before, after)).allowed());
  }

  @Test
  void statusUpdatesAndDeletesAreAllowed() throws Exception {
    ObjectNode before = Reviews.withPhase(Reviews.flow(), "Running");
    Reviews.spec(before).putArray("steps");
    ObjectNode after = Reviews.withPhase(before, "Failed");
    for (String path : List.of("/validate", "/mutate")) {
      Answer status = webhook.post(path, Reviews.statusUpdate(before, after));
      assertTrue(status.allowed(), status.body());
      assertNull(status.patch());
      ObjectNode delete = Reviews.delete(before);
      Answer deleted = webhook.post(path, delete);
      assertEquals(200, deleted.status());
      assertTrue(deleted.allowed());
      assertEquals(Reviews.uid(delete), deleted.response().path("uid").asText());
    }
  }

  // --- /mutate ---

  @Test
  void fillsEveryMissingDefaultAsABase64JsonPatch() throws Exception {
    ObjectNode review = Reviews.create();
    Answer answer = webhook.post("/mutate", review);
    assertEquals(200, answer.status());
    assertTrue(answer.allowed());
    assertEquals(Reviews.uid(review), answer.response().path("uid").asText());
    assertEquals("JSONPatch", answer.response().path("patchType").asText());
    ObjectNode patched = Reviews.applyPatch(Reviews.flow(), answer.patch());
    JsonNode spec = patched.get("spec");
    assertTrue(spec.path("concurrencyPolicy").isMissingNode(), "concurrencyPolicy moved to CronJobFlow");
    assertEquals(86400, spec.path("ttlSecondsAfterFinished").asLong());
    assertEquals("FailFast", spec.path("failurePolicy").asText());
    assertEquals(6, spec.at("/steps/0/template/backoffLimit").asInt());
    assertEquals(6, spec.at("/steps/1/template/backoffLimit").asInt());
    assertEquals("Never", spec.at("/steps/0/template/template/spec/restartPolicy").asText());
    // Set by the user in the recorded flow: kept.
    assertEquals("Never", spec.at("/steps/1/template/template/spec/restartPolicy").asText());
    assertEquals(0, spec.at("/finally/0/template/backoffLimit").asInt());
    assertEquals("Never", spec.at("/finally/0/template/template/spec/restartPolicy").asText());
    // Each default is added exactly where it was missing: nothing the user wrote is touched.
    for (JsonNode op : answer.patch()) {
      assertEquals("add", op.path("op").asText());
      assertTrue(Reviews.flow().at(op.path("path").asText()).isMissingNode(), op.toString());
    }
    assertEquals(6, answer.patch().size(), answer.patch().toString());
    assertTrue(observed.contains(new Observed(Endpoint.MUTATE, "CREATE", Verdict.PATCHED)));
  }

  @Test
  void sendsNoPatchWhenNothingIsMissingAndNeverOverwrites() throws Exception {
    ObjectNode flow = Reviews.flow();
    Reviews.spec(flow).put("ttlSecondsAfterFinished", 60)
        .put("failurePolicy", "ContinueIndependent");
    for (String list : List.of("steps", "finally")) {
      for (JsonNode step : Reviews.spec(flow).get(list)) {
        ((ObjectNode) step.get("template")).put("backoffLimit", 2);
        ((ObjectNode) step.at("/template/template/spec")).put("restartPolicy", "OnFailure");
      }
    }
    Answer answer = webhook.post("/mutate", Reviews.create(flow));
    assertTrue(answer.allowed());
    assertNull(answer.response().get("patch"), answer.body());
    assertNull(answer.response().get("patchType"), answer.body());
    assertTrue(observed.contains(new Observed(Endpoint.MUTATE, "CREATE", Verdict.ALLOWED)));
  }

  @Test
  void aParameterWithoutAValueTakesItsDefaultAndOneWithoutEitherIsRefused() throws Exception {
    ObjectNode flow = Reviews.flow();
    ArrayNode params = (ArrayNode) Reviews.spec(flow).get("parameters");
    int env = params.size();
    params.addObject().put("name", "env").put("default", "dev");
    params.addObject().put("name", "region").put("value", "eu").put("default", "us");
    ObjectNode patched = Reviews.applyPatch(flow, webhook.post("/mutate", Reviews.create(flow)).patch());
    assertEquals("dev", patched.at("/spec/parameters/" + env + "/value").asText(), "the default fills a missing value");
    assertEquals("eu", patched.at("/spec/parameters/" + (env + 1) + "/value").asText(), "a value given is kept");
    Answer valid = webhook.post("/validate", Reviews.create(patched));
    assertTrue(valid.allowed(), valid.body());

    ((ObjectNode) params.get(env)).remove("default");
    Answer refused = webhook.post("/validate", Reviews.create(flow));
    assertFalse(refused.allowed());
    assertTrue(refused.body().contains("spec.parameters[" + env + "].value: parameter 'env' has no value and no default"),
        refused.body());
  }

  @Test
  void defaultsAnUpdateToo() throws Exception {
    ObjectNode before = Reviews.flow();
    ObjectNode after = before.deepCopy();
    Reviews.spec(after).put("ttlSecondsAfterFinished", 5);
    ArrayNode patch = webhook.post("/mutate", Reviews.update(before, after)).patch();
    assertNotNull(patch);
    assertEquals(5, Reviews.applyPatch(after, patch).at("/spec/ttlSecondsAfterFinished").asInt());
  }

  // --- bad input ---

  @Test
  void refusesEveryClassOfBadInputWithAOneLine400() throws Exception {
    ObjectNode notV1 = Reviews.create();
    notV1.put("apiVersion", "admission.k8s.io/v1beta1");
    ObjectNode noRequest = Reviews.create();
    noRequest.remove("request");
    ObjectNode noUid = Reviews.create();
    Reviews.request(noUid).remove("uid");
    ObjectNode pod = Reviews.create();
    Reviews.request(pod).set("object", Reviews.JSON.readTree(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[]}}"));
    ObjectNode podKind = Reviews.create();
    Reviews.request(podKind).set("kind", Reviews.JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}"));
    ObjectNode noObject = Reviews.create();
    Reviews.request(noObject).putNull("object");
    ObjectNode noOld = Reviews.update(Reviews.flow(), Reviews.flow());
    Reviews.request(noOld).remove("oldObject");

    record Case(byte[] body, String reason) {}
    List<Case> cases = List.of(
        new Case("{\"kind\": \"AdmissionReview\", ".getBytes(), "malformed JSON"),
        new Case("not json at all".getBytes(), "malformed JSON"),
        new Case(new byte[0], "empty body"),
        new Case((new String(bytes(Reviews.create())) + " {}").getBytes(), "malformed JSON"),
        new Case(new String(bytes(Reviews.create())).replaceFirst("\"uid\"", "\"uid\":\"a\",\"uid\"").getBytes(),
            "malformed JSON: Duplicate field 'uid'"),
        new Case(("[".repeat(2000) + "]".repeat(2000)).getBytes(), "malformed JSON"),
        new Case(new String(bytes(Reviews.create())).replace("\"CREATE\"", "\"PATCH\"").getBytes(),
            "request.operation is 'PATCH'"),
        new Case("[1,2,3]".getBytes(), "body is a JSON array, not an admission.k8s.io/v1 AdmissionReview"),
        new Case("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{}}".getBytes(),
            "body is a ConfigMap, not an admission.k8s.io/v1 AdmissionReview"),
        new Case(bytes(notV1), "only admission.k8s.io/v1 is served"),
        new Case(bytes(noRequest), "AdmissionReview has no request"),
        new Case(bytes(noUid), "AdmissionReview request has no uid"),
        new Case(bytes(pod), "request.object is v1 Pod, not a jobflow.dev/v1alpha1 JobFlow"),
        new Case(bytes(podKind), "request.kind is core/v1 Pod, not a jobflow.dev/v1alpha1 JobFlow"),
        new Case(bytes(noObject), "CREATE request has no request.object"),
        new Case(bytes(noOld), "UPDATE request has no request.oldObject"));
    for (String path : List.of("/validate", "/mutate")) {
      for (Case c : cases) {
        Answer answer = webhook.post(path, c.body());
        assertEquals(400, answer.status(), path + " " + new String(c.body()) + " -> " + answer.body());
        assertTrue(answer.body().contains(c.reason()), answer.body());
        assertTrue(answer.body().endsWith("\n") && answer.body().indexOf('\n') == answer.body().length() - 1,
            "one line: " + answer.body());
      }
    }
    assertTrue(observed.contains(new Observed(Endpoint.MUTATE, "", Verdict.BAD_REQUEST)));
  }

  @Test
  void refusesBodiesOver3MiBWith413() throws Exception {
    ObjectNode review = Reviews.create();
    String padding = "x".repeat(3 * 1024 * 1024);
    ((ObjectNode) Reviews.request(review).get("object").get("metadata")).withObjectProperty("annotations")
        .put("padding", padding);
    Answer answer = webhook.post("/validate", review);
    assertEquals(413, answer.status(), answer.body());
    assertTrue(answer.body().contains("over the 3145728-byte limit"), answer.body());
    assertTrue(observed.contains(new Observed(Endpoint.VALIDATE, "", Verdict.TOO_LARGE)));

    // Just under the limit is read and judged.
    ObjectNode big = Reviews.create();
    int room = (int) AdmissionSettings.DEFAULT_MAX_REQUEST_BYTES - bytes(big).length - 100;
    ((ObjectNode) Reviews.request(big).get("object").get("metadata")).withObjectProperty("annotations")
        .put("padding", "y".repeat(room));
    Answer judged = webhook.post("/validate", big);
    assertEquals(200, judged.status(), judged.body());
    assertTrue(judged.allowed());

    // The connection is still usable afterwards.
    assertTrue(webhook.post("/validate", Reviews.create()).allowed());
  }

  @Test
  void aBodyThatStopsArrivingIsAnswered408NotLeftHanging() throws Exception {
    Issued cert = TestCertificates.ec("slow.test");
    Path[] files = cert.writeTo(dir.resolve("slow"), KeyFormat.PKCS8);
    var settings = new AdmissionSettings("127.0.0.1", 0, files[0], files[1],
        AdmissionSettings.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(1));
    AdmissionServer slow = AdmissionServer.start(kit.system(), settings, new JobFlowValidator(), AdmissionObserver.NONE)
        .toCompletableFuture().get();
    try (SSLSocket socket = (SSLSocket) cert.clientContext().getSocketFactory().createSocket("127.0.0.1", slow.port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"kind\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("HTTP/1.1 408 Request Timeout", in.readLine());
    } finally {
      slow.stop().toCompletableFuture().get();
    }
  }

  @Test
  void aClientSendingItsHeadersByteByByteIsClosedAtTheHeaderTimeout() throws Exception {
    Issued cert = TestCertificates.ec("slowloris.test");
    Path[] files = cert.writeTo(dir.resolve("slowloris"), KeyFormat.PKCS8);
    var settings = new AdmissionSettings("127.0.0.1", 0, files[0], files[1],
        AdmissionSettings.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(10), Duration.ofSeconds(1),
        new dev.jobflow.http.HttpFront.ConnectionLimits(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    AdmissionServer slow = AdmissionServer.start(kit.system(), settings, new JobFlowValidator(), AdmissionObserver.NONE)
        .toCompletableFuture().get();
    try (SSLSocket socket = (SSLSocket) cert.clientContext().getSocketFactory().createSocket("127.0.0.1", slow.port())) {
      socket.setSoTimeout(500);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      byte[] header = "POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      long started = System.nanoTime();
      boolean closed = false;
      // One header byte every 200 ms, each resetting any byte-level idle timer: only a bound on the headers ends it.
      for (int i = 0; !closed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30); i++) {
        try {
          out.write(header[Math.min(i, header.length - 1)]);
          out.flush();
          closed = socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // nothing answered within 500 ms: the connection is open, send the next byte
        } catch (java.io.IOException reset) {
          closed = true;
        }
      }
      assertTrue(closed, "the connection was still open after 30 s of header bytes");
    } finally {
      slow.stop().toCompletableFuture().get();
    }
  }

  @Test
  void aKeptAliveConnectionServesRequestsWithinTheIdleTimeout() throws Exception {
    // The limits bound slow clients, not normal ones: two requests on one connection are both answered.
    assertTrue(webhook.post("/validate", Reviews.create()).allowed());
    assertTrue(webhook.post("/validate", Reviews.create()).allowed());
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals(200, webhook.get("/healthz").status());
    assertEquals("ready\n", webhook.get("/readyz").body());
    assertTrue(server.isReady());
    assertEquals(405, webhook.get("/validate").status());
    assertEquals(404, webhook.post("/elsewhere", Reviews.create()).status());
  }

  static byte[] bytes(JsonNode tree) throws Exception {
    return Reviews.JSON.writeValueAsBytes(tree);
  }
}
