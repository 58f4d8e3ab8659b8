package dev.jobflow.emulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator reads query parameters as the API server does (Go's {@code strconv.ParseBool} and
 * {@code ParseInt}), checked over raw HTTP and with a second official client, {@code @kubernetes/client-node}.
 */
class EmulatorQueryParametersTest {
  static final Path NODE_CLIENT = Path.of("src/test/node-client");
  static Emulator emulator;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
    emulator.client().configMaps().resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("seen").withLabels(Map.of("team", "a")).endMetadata().build()).create();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static HttpResponse<String> get(String query) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(emulator.url() + "/api/v1/namespaces/default/configmaps?"
        + query)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyTrueFormOfParseBoolStartsAWatch() throws Exception {
    for (String form : List.of("1", "t", "T", "TRUE", "true", "True")) {
      HttpResponse<String> r = get("watch=" + form + "&timeoutSeconds=1&allowWatchBookmarks=" + form);
      assertEquals(200, r.statusCode(), form + ": " + r.body());
      JsonNode first = EmulatorStore.read(r.body().lines().findFirst().orElseThrow());
      assertEquals("ADDED", first.path("type").asText(), "watch=" + form + " answered " + r.body());
      assertEquals("seen", first.path("object").path("metadata").path("name").asText());
    }
  }

  @Test
  void everyFalseFormAndAnEmptyValueAnswerAList() throws Exception {
    for (String form : List.of("0", "f", "F", "FALSE", "false", "False", "")) {
      HttpResponse<String> r = get("watch=" + form + "&allowWatchBookmarks=" + form);
      assertEquals(200, r.statusCode(), form + ": " + r.body());
      assertEquals("ConfigMapList", EmulatorStore.read(r.body()).path("kind").asText(), "watch=" + form);
    }
  }

  @Test
  void valuesGoWouldNotParseAreBadRequestsNamingTheParameter() throws Exception {
    Map<String, String> bad = Map.of(
        "watch=yes", "watch",
        "watch=true&allowWatchBookmarks=maybe", "allowWatchBookmarks",
        "watch=true&timeoutSeconds=soon", "timeoutSeconds",
        "watch=1&resourceVersion=abc", "resource version",
        "resourceVersion=-3", "resource version",
        "timeoutSeconds=1.5", "timeoutSeconds",
        "labelSelector=" + URLEncoder.encode("team in a", StandardCharsets.UTF_8), "label selector",
        "watch=true&fieldSelector=nonsense", "field selector",
        "limit=ten", "limit",
        "limit=2&continue=e30", "continue key is not valid");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> r = get(e.getKey());
      assertEquals(400, r.statusCode(), e.getKey() + ": " + r.body());
      JsonNode status = EmulatorStore.read(r.body());
      assertEquals("BadRequest", status.path("reason").asText(), e.getKey());
      assertTrue(status.path("message").asText().contains(e.getValue()), e.getKey() + ": " + r.body());
    }
  }

  @Test
  void theJavaScriptClientWatchesJobFlowsWithPythonStyleBooleansAndASetSelector() throws Exception {
    assumeNodeClient();
    var flows = emulator.client().resources(JobFlow.class).inNamespace("default");
    Path kubeconfig = emulator.writeKubeconfig(dir.resolve("kubeconfig"));
    Process node = new ProcessBuilder("node", NODE_CLIENT.resolve("watch.mjs").toString(), kubeconfig.toString(),
        "default", "{\"watch\":\"True\",\"allowWatchBookmarks\":\"T\",\"timeoutSeconds\":\"60\","
            + "\"labelSelector\":\"team in (a,b)\"}")
        .redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      await().atMost(60, TimeUnit.SECONDS).until(() -> lines.contains("OPEN") || !node.isAlive());
      assertTrue(lines.contains("OPEN"), "the client did not open its watch: " + lines);
      assertTrue(lines.get(0).startsWith("LIST 0 "), lines.toString());

      JobFlow a = EmulatorApiTest.flow("team-a");
      a.getMetadata().setLabels(Map.of("team", "a"));
      JobFlow c = EmulatorApiTest.flow("team-c");
      c.getMetadata().setLabels(Map.of("team", "c"));
      flows.resource(c).create();
      JobFlow created = flows.resource(a).create();
      JobFlowStatus status = new JobFlowStatus();
      status.setPhase(dev.jobflow.api.FlowPhase.Running);
      created.setStatus(status);
      flows.resource(created).updateStatus();

      await().atMost(30, TimeUnit.SECONDS).until(() -> lines.contains("EVENT MODIFIED team-a Running"));
      assertEquals(List.of("EVENT ADDED team-a -", "EVENT MODIFIED team-a Running"),
          lines.stream().filter(l -> l.startsWith("EVENT")).toList(),
          "a stream of team-a's events only (team-c is outside the selector): " + lines);
      assertFalse(lines.stream().anyMatch(l -> l.startsWith("DONE")), lines.toString());
    } finally {
      node.destroy();
      node.waitFor(10, TimeUnit.SECONDS);
      flows.withName("team-a").delete();
      flows.withName("team-c").delete();
    }
  }

  /** Node and the client's modules (the build's npm step installs them); required under CI. */
  static void assumeNodeClient() {
    boolean present = Files.isDirectory(NODE_CLIENT.resolve("node_modules/@kubernetes/client-node"));
    boolean node;
    try {
      node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (Exception e) {
      node = false;
    }
    String why = !node ? "node is not installed" : "src/test/node-client/node_modules is missing (mvn runs npm ci)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertTrue(node && present, why + ", and CI=true requires the JavaScript client test");
    }
    assumeTrue(node && present, "skipped: " + why);
  }
}
