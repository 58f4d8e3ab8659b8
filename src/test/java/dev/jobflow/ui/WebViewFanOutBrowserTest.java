package dev.jobflow.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.dev.DevMode;
import dev.jobflow.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A flow with a 1,000-instance fan-out in the web view (dev mode on the emulator's simulate executor, headless
 * Chromium): the fan-out step stays one node that counts its instances per phase as they run, and its panel lists
 * them, what needs a look first, filtered by phase and capped; an instance opens in the step panel, also from the
 * find box.
 */
class WebViewFanOutBrowserTest {
  static final Duration WAIT = Duration.ofSeconds(120);
  static final int INSTANCES = 1000;
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
    dev = DevMode.start(new DevMode.Options(dir, EmulatorOptions.ExecutorKind.SIMULATE, 0, 0, 0), config);
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

  static String step(String name, String extra) {
    return "    - name: " + name + "\n" + extra
        + "      template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 20ms}},"
        + " spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}\n";
  }

  @Test
  void aThousandInstancesAreOneNodeWithCountsAndAListInItsPanel() throws Exception {
    // One in 50 instances has a false condition: the counts and the list hold two phases.
    JobFlow flow = JobFlowYaml.read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: wide}\n"
        + "spec:\n  steps:\n" + step("split", "")
        + step("shard", "      dependsOn: [split]\n      withSequence: {count: " + INSTANCES + "}\n"
            + "      parallelism: 200\n      when: \"index % 50 != 7\"\n")
        + step("join", "      dependsOn: [shard]\n"));
    flow.getMetadata().setNamespace("default");
    dev.client().resources(JobFlow.class).inNamespace("default").resource(flow).create();
    browser.driver.get(ui + "#/flows/default/wide");
    String shard = "#dag g.node.fan-out[data-node='shard']";
    browser.await(shard, WAIT);

    // Live: the node's counts grow as instances report, without a reload, up to every instance.
    browser.waiting(WAIT).until(d -> browser.find(shard).getAttribute("aria-label")
        .contains(INSTANCES + " instances: 980 Succeeded, 20 Skipped"));
    dev.client().resources(JobFlow.class).inNamespace("default").withName("wide").waitUntilCondition(
        f -> f != null && f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Succeeded, 120, TimeUnit.SECONDS);
    assertEquals("3", browser.find("#dag").getAttribute("data-rendered"), "instances are never nodes of their own");
    assertTrue(browser.find(shard + " text.name").getText().contains("1000 instances"));
    browser.screenshot("fan-out-node");

    browser.find(shard).click();
    browser.await("#instance-list", WAIT);
    browser.waiting(WAIT).until(d -> browser.find("#instance-counts").getText()
        .equals(INSTANCES + " instances: 980 Succeeded, 20 Skipped"));
    List<WebElement> listed = browser.all("#instance-list button[data-instance]");
    assertEquals(200, listed.size(), "the list is capped");
    assertEquals("shard-7", listed.get(0).getText(), "the instances that did not run come before the succeeded ones");
    assertTrue(browser.find("#instance-more").getText().contains("and 800 more"),
        browser.find("#instance-more").getText());
    browser.screenshot("fan-out-panel");

    browser.find("#step-panel .filters button[data-phase='Skipped']").click();
    browser.waiting(WAIT).until(d -> browser.all("#instance-list li").size() == 20);
    assertTrue(browser.all("#instance-list li").stream().allMatch(li -> "Skipped".equals(li.getAttribute("data-phase"))));
    assertEquals("", browser.find("#instance-more").getText());

    browser.find("#instance-list button[data-instance='shard-57']").click();
    browser.waiting(WAIT).until(d -> browser.find("#step-name").getText().equals("shard-57"));

    // The find box reaches any instance: it opens in its fan-out's place.
    WebElement findBox = browser.find("#find-step");
    findBox.sendKeys("shard-420", Keys.ENTER);
    browser.waiting(WAIT).until(d -> browser.find("#step-name").getText().equals("shard-420"));
    browser.waiting(WAIT).until(d -> browser.find("#step-audit").getText().contains("StepSucceeded"));
    assertTrue(browser.find("#step-panel .attempts").getText().contains("wide-shard-420-1"),
        browser.find("#step-panel .attempts").getText());
  }
}
