package dev.jobflow.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.dev.DevMode;
import dev.jobflow.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web view of a dev-mode controller ({@code jobflow dev} in-process: the API-server emulator running steps as
 * local processes, the controller, an H2 journal) in headless Chromium: nodes change phase live, a step's panel
 * shows its attempts, log and audit lines, suspend and resume work, the keyboard reaches everything.
 */
class WebViewBrowserTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir
  static Path dir;
  static DevMode dev;
  static Browser browser;
  static String ui;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    var config = ConfigFactory.parseMap(Map.of(
        "akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
        "akka.coordinated-shutdown.exit-jvm", "off")).withFallback(ConfigFactory.load());
    dev = DevMode.start(new DevMode.Options(dir, EmulatorOptions.ExecutorKind.PROCESS, 0, 0, 0), config);
    ui = "http://127.0.0.1:" + dev.controller().httpPort() + "/ui/";
    browser = Browser.start(dir);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (dev != null) {
      dev.close();
    }
  }

  static JobFlow submit(String yaml) throws java.io.IOException {
    JobFlow flow = JobFlowYaml.read(yaml);
    flow.getMetadata().setNamespace("default");
    return dev.client().resources(JobFlow.class).inNamespace("default").resource(flow).create();
  }

  static JobFlow awaitPhase(String name, FlowPhase phase) {
    return dev.client().resources(JobFlow.class).inNamespace("default").withName(name).waitUntilCondition(
        f -> f != null && f.getStatus() != null && f.getStatus().getPhase() == phase, 90, TimeUnit.SECONDS);
  }

  static String step(String name, List<String> dependsOn, String script) {
    return "    - name: " + name + "\n      dependsOn: [" + String.join(", ", dependsOn) + "]\n"
        + "      template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, \""
        + script + "\"]}]}}}\n";
  }

  static String flow(String name, String steps, String finallySteps) {
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + "}\nspec:\n  steps:\n" + steps
        + (finallySteps == null ? "" : "  finally:\n" + finallySteps);
  }

  static String phaseOf(String step) {
    List<WebElement> nodes = browser.all("#dag g.node[data-node='" + step + "']");
    return nodes.isEmpty() ? null : nodes.get(0).getAttribute("data-phase");
  }

  /** Waits until the node shows {@code phase}; returns every phase the node was seen in on the way. */
  static List<String> watchNode(String step, String phase, List<String> seen) {
    browser.waiting(WAIT).until(d -> {
      String now = phaseOf(step);
      if (now != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now))) {
        seen.add(now);
      }
      return phase.equals(now);
    });
    return seen;
  }

  @Test
  void nodesChangePhaseLiveAndTheStepPanelShowsLogAndAudit() throws Exception {
    submit(flow("live", step("extract", List.of(), "echo extract-says-hello; sleep 2")
        + step("transform", List.of("extract"), "sleep 2")
        + step("load", List.of("transform"), "echo loaded"),
        step("notify", List.of(), "echo bye")));
    browser.driver.get(ui + "#/flows/default/live");
    browser.await("#dag g.node[data-node='extract']", WAIT);
    assertEquals("finally", browser.find("#dag g.node[data-node='notify']").getAttribute("data-kind"));
    assertFalse(browser.all("#dag path.edge.kind-finally").isEmpty(), "finally steps hang off the DAG's end");

    List<String> transform = new ArrayList<>();
    watchNode("transform", "Running", transform);
    browser.screenshot("flow-running");
    watchNode("transform", "Succeeded", transform);
    assertTrue(transform.contains("Running"), "the page saw transform run, without a reload: " + transform);
    // Phase is written on the node, not only coloured.
    assertTrue(browser.find("#dag g.node[data-node='transform'] text.state").getText().contains("Succeeded"));
    awaitPhase("live", FlowPhase.Succeeded);
    browser.waiting(WAIT).until(d -> browser.find("#flow-summary").getText().contains("Succeeded"));

    browser.find("#dag g.node[data-node='extract']").click();
    browser.await("#step-panel", WAIT);
    browser.waiting(WAIT).until(d -> browser.find("#step-log").getText().contains("extract-says-hello"));
    browser.waiting(WAIT).until(d -> browser.find("#step-audit").getText().contains("StepSucceeded"));
    String audit = browser.find("#step-audit").getText();
    assertTrue(audit.contains("StepAttemptStarted attempt 1 (Job live-extract-1)"), audit);
    assertTrue(browser.find("#step-panel .attempts").getText().contains("live-extract-1"));
    browser.screenshot("step-panel");
  }

  /**
   * Fan-out arrives with its own issue; the page's model is ready for it: nodes sharing a group draw as one node
   * with per-phase counts, and expand on demand. Run in the page, on the page's own modules.
   */
  static void fanOutsCollapseIntoOneNodeWithPerPhaseCounts() {
    Object result = browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        import('./graph.js').then(async (g) => {
          const members = ['shard-0', 'shard-1', 'shard-2'];
          const model = {
            nodes: [{id: 'split', kind: 'step', group: null}, ...members.map((id) => ({id, kind: 'step', group: 'shard'})),
              {id: 'join', kind: 'step', group: null}],
            edges: [...members.map((m) => ({from: 'split', to: m, kind: 'dependency'})),
              ...members.map((m) => ({from: m, to: 'join', kind: 'dependency'}))],
          };
          const collapsed = g.visibleGraph(model, new Set());
          const open = g.visibleGraph(model, new Set(['fanout:shard']));
          const div = document.createElement('div');
          document.body.append(div);
          const steps = new Map([['shard-0', {phase: 'Succeeded'}], ['shard-1', {phase: 'Failed'}]]);
          g.draw(div, collapsed, await g.layout(collapsed), steps, () => {});
          const node = div.querySelector("g.node[data-node='fanout:shard']");
          done([collapsed.nodes.map((n) => n.id).join(','), collapsed.edges.map((e) => e.from + '>' + e.to).join(','),
            String(open.nodes.length), node.getAttribute('data-phase'), node.querySelector('text.state').textContent,
            node.getAttribute('aria-label')].join('|'));
          div.remove();
        }).catch((e) => done('error ' + e));
        """);
    String[] parts = String.valueOf(result).split("\\|");
    assertEquals("split,fanout:shard,join", parts[0], String.valueOf(result));
    assertEquals("split>fanout:shard,fanout:shard>join", parts[1]);
    assertEquals("5", parts[2], "expanded, every member is its own node");
    assertEquals("Failed", parts[3], "a collapsed node shows its most urgent phase");
    assertEquals("○1 ✓1 ✗1", parts[4]);
    assertTrue(parts[5].contains("1 Succeeded") && parts[5].contains("1 Failed"), parts[5]);
  }

  @Test
  void suspendAndResumeFromThePage() throws Exception {
    submit(flow("pausable", step("first", List.of(), "sleep 2") + step("second", List.of("first"), "sleep 1")
        + step("third", List.of("second"), "echo third"), null));
    browser.driver.get(ui + "#/flows/default/pausable");
    browser.waiting(WAIT).until(d -> "Running".equals(phaseOf("first")));
    browser.await("button[data-action='suspend']", WAIT).click();
    browser.waiting(WAIT).until(d -> browser.find("#flow-summary .phase").getText().contains("Suspended"));
    assertTrue(dev.client().resources(JobFlow.class).inNamespace("default").withName("pausable").get()
        .getSpec().isSuspended(), "the page patched spec.suspend");
    browser.screenshot("flow-suspended");
    assertEquals("Pending", phaseOf("third"), "nothing new starts while suspended");

    browser.await("button[data-action='resume']", WAIT).click();
    awaitPhase("pausable", FlowPhase.Succeeded);
    browser.waiting(WAIT).until(d -> "Succeeded".equals(phaseOf("third")));
  }

  @Test
  void theFlowsListFiltersAndTheKeyboardReachesEverything() throws Exception {
    submit(flow("keyboard", step("a", List.of(), "true") + step("b", List.of("a"), "true")
        + step("c", List.of("a"), "true"), null));
    awaitPhase("keyboard", FlowPhase.Succeeded);
    browser.driver.get(ui);
    browser.await("tr[data-flow='default/keyboard']", WAIT);
    browser.find("#f-search").sendKeys("keyb");
    browser.waiting(WAIT).until(d -> browser.all("table.flows tbody tr").size() == 1);
    assertEquals("Succeeded", browser.find("tr[data-flow='default/keyboard']").getAttribute("data-phase"));
    browser.screenshot("flows-list");

    // Tab to the flow's link and open it with Enter.
    WebElement link = browser.find("tr[data-flow='default/keyboard'] a");
    link.sendKeys(Keys.ENTER);
    browser.await("#dag g.node[data-node='a']", WAIT);
    WebElement a = browser.find("#dag g.node[data-node='a']");
    assertEquals("0", a.getAttribute("tabindex"), "the graph has one tab stop, its first node");
    browser.driver.executeScript("arguments[0].focus()", a);
    a.sendKeys(Keys.ARROW_RIGHT);
    String focused = browser.driver.switchTo().activeElement().getAttribute("data-node");
    assertTrue(List.of("b", "c").contains(focused), "ArrowRight follows an edge, got " + focused);
    browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
    browser.waiting(WAIT).until(d -> browser.find("#step-name").getText().equals(focused));
    browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    browser.waiting(WAIT).until(d -> !browser.find("#step-panel").isDisplayed());
    assertEquals(focused, browser.driver.switchTo().activeElement().getAttribute("data-node"),
        "closing the panel gives focus back to the node");

    fanOutsCollapseIntoOneNodeWithPerPhaseCounts();

    browser.find("#tab-audit").click();
    browser.await("#audit .verdict", WAIT);
    assertEquals("INTACT", browser.find("#audit .verdict").getAttribute("data-verdict"));
    assertFalse(browser.driver.findElements(By.cssSelector("#audit tr[data-type='FlowSucceeded']")).isEmpty());
    browser.screenshot("audit-tab");
  }
}
