package dev.jobflow.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.controller.Controller;
import dev.jobflow.controller.ControllerSettings;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.http.ApiAuthorizer;
import dev.jobflow.journal.JournalSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web view with authorization on (as in a cluster): TokenReview and SubjectAccessReview against the emulator.
 * alice may get jobflows in "default" only, bob may get nothing, carol may get and patch everywhere.
 */
class WebViewAuthTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  @TempDir
  static Path dir;
  static Emulator emulator;
  static Controller controller;
  static String ui;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE)
        .withDataDir(dir.resolve("emulator")));
    emulator.accessReviews()
        .addToken("alice-token", "alice")
        .allow("alice", "get", ApiAuthorizer.GROUP, ApiAuthorizer.RESOURCE, "default")
        .addToken("bob-token", "bob")
        .addToken("carol-token", "carol")
        .allow("carol", "*", ApiAuthorizer.GROUP, ApiAuthorizer.RESOURCE, null);
    Config config = ConfigFactory.parseMap(Map.of("akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off", "akka.coordinated-shutdown.exit-jvm", "off"))
        .withFallback(ConfigFactory.load());
    controller = Controller.start(ControllerSettings.fromConfig(config,
        new ControllerSettings.Cluster(emulator.config(), List.of()),
        JournalSettings.fromConfig(config).withDataDir(dir.resolve("journal")), null)
        .withHttp(new ControllerSettings.Http("127.0.0.1", 0, true)).withoutMetrics(), config);
    ui = "http://127.0.0.1:" + controller.httpPort() + "/ui/";
    submit("default", "visible", "30s");
    submit("other", "hidden", "50ms");
  }

  @AfterAll
  static void stop() {
    if (controller != null) {
      controller.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  static void submit(String namespace, String name, String duration) throws Exception {
    JobFlow flow = JobFlowYaml.read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name
        + ", namespace: " + namespace + "}\nspec:\n  steps:\n    - name: only\n      template:\n        template:\n"
        + "          metadata: {annotations: {sim.jobflow.dev/duration: \"" + duration + "\"}}\n"
        + "          spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}\n");
    emulator.client().resources(JobFlow.class).inNamespace(namespace).resource(flow).create();
    emulator.client().resources(JobFlow.class).inNamespace(namespace).withName(name).waitUntilCondition(
        f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null
            && f.getStatus().getPhase() != FlowPhase.Pending, 60, TimeUnit.SECONDS);
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(ui + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theApiAnswersOnlyWhatRbacAllows() throws Exception {
    assertEquals(200, get("", null).statusCode(), "the page itself holds no data");
    assertEquals(401, get("api/flows", null).statusCode());
    assertEquals(401, get("api/flows/stream", "not-a-token").statusCode());
    HttpResponse<String> bob = get("api/flows", "bob-token");
    assertEquals(403, bob.statusCode(), bob.body());
    assertTrue(bob.body().contains("may get jobflows in no namespace"), bob.body());
    HttpResponse<String> alice = get("api/flows", "alice-token");
    assertEquals(200, alice.statusCode(), alice.body());
    assertTrue(alice.body().contains("\"visible\"") && !alice.body().contains("\"hidden\""), alice.body());
    assertEquals(403, get("api/namespaces/other/jobflows/hidden", "alice-token").statusCode());
    HttpResponse<String> log = get("api/namespaces/default/jobflows/visible/jobs/visible-only-1/log", "alice-token");
    assertEquals(403, log.statusCode(), log.body());
    assertTrue(log.body().contains("pods/log"), "logs need their own permission: " + log.body());
    HttpResponse<String> carol = get("api/flows", "carol-token");
    assertTrue(carol.body().contains("\"hidden\""), carol.body());

    HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(
        URI.create(ui + "api/namespaces/default/jobflows/visible/actions/suspend"))
        .header("Authorization", "Bearer carol-token").header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, forged.statusCode(), "a cross-site form cannot trigger an action: " + forged.body());
  }

  @Test
  void anActionTheFlowsStateDoesNotAllowIsRefusedWithTheCliRule() throws Exception {
    emulator.client().resources(JobFlow.class).inNamespace("other").withName("hidden").waitUntilCondition(
        f -> f != null && f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Succeeded, 60, TimeUnit.SECONDS);
    HttpResponse<String> resume = HTTP.send(HttpRequest.newBuilder(
        URI.create(ui + "api/namespaces/other/jobflows/hidden/actions/resume"))
        .header("Authorization", "Bearer carol-token").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(409, resume.statusCode(), resume.body());
    assertTrue(resume.body().contains("cannot resume other/hidden: it already Succeeded"), resume.body());
  }

  @Test
  void theBrowserShows401Then403ThenOnlyAllowedNamespacesAndRefusesActionsWithoutPatch() throws Exception {
    try (Browser browser = Browser.start(dir)) {
      browser.driver.get(ui);
      browser.await("section.refused[data-status='401']", WAIT);
      assertTrue(browser.find("section.refused .message").getText().contains("Authorization: Bearer"));
      browser.screenshot("auth-401");

      browser.find("#token").sendKeys("bob-token\n");
      browser.await("section.refused[data-status='403']", WAIT);
      assertTrue(browser.find("section.refused .message").getText().contains("bob"));
      browser.screenshot("auth-403");

      browser.find("#token").sendKeys("alice-token\n");
      browser.await("tr[data-flow='default/visible']", WAIT);
      assertTrue(browser.all("tr[data-flow='other/hidden']").isEmpty(), "alice may not see namespace other");
      browser.waiting(WAIT).until(d -> browser.find("#who").getText().contains("alice"));

      browser.find("tr[data-flow='default/visible'] a").click();
      browser.await("button[data-action='suspend']", WAIT).click();
      browser.await("p.error[role='alert']", WAIT);
      assertTrue(browser.find("p.error[role='alert']").getText().contains("cannot patch"),
          browser.find("p.error[role='alert']").getText());
      browser.screenshot("auth-action-refused");
    }
  }
}
