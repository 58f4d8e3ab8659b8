package dev.jobflow.bench;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.JobFlow;
import dev.jobflow.controller.Controller;
import dev.jobflow.controller.ControllerSettings;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.emulator.EmulatorOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Time to first render of a flow's page in headless Chromium: from navigation to the DAG drawn (laid out by elkjs
 * in its worker), for a 10,000-step flow (100 layers of 100, each step depending on three of the layer before)
 * beside a 10-step flow (3 layers of 3 and a finally step) measured in the same run as the baseline. The flows are suspended so nothing runs while
 * measuring. Goal: at most 2 s for the large flow. Not asserted anywhere.
 * Usage: {@code bin/bench WebViewBenchmark [STEPS] [RUNS]}.
 */
public final class WebViewBenchmark {

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = Files.createTempDirectory("jobflow-ui-bench");
    var config = ConfigFactory.parseMap(Map.of("akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off", "akka.coordinated-shutdown.exit-jvm", "off"))
        .withFallback(ConfigFactory.load());
    // The flows exist before the controller starts, so its informer reads them in its first list: the
    // emulator's watch does not deliver a JobFlow this large (see docs/ui.md).
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withDataDir(dir.resolve("emulator")))) {
      create(emulator, "small", layered(9, 3));
      create(emulator, "large", layered(steps, 100));
      Controller controller = Controller.start(ControllerSettings.fromConfig(config,
          new ControllerSettings.Cluster(emulator.config(), List.of()),
          JournalSettings.fromConfig(config).withDataDir(dir.resolve("journal")), null)
          .withHttp(new ControllerSettings.Http("127.0.0.1", 0, false)).withoutMetrics(), config);
      awaitStatus(emulator, "small");
      awaitStatus(emulator, "large");
      String ui = "http://127.0.0.1:" + controller.httpPort() + "/ui/#/flows/default/";
      ChromeDriver driver = chromium(dir);
      try {
        double[] small = measure(driver, ui + "small", runs);
        double[] large = measure(driver, ui + "large", runs);
        long drawn = (Long) driver.executeScript("return Number(document.getElementById('dag').dataset.rendered)");
        System.out.printf("web view, time to first render of a flow's page (navigation to DAG drawn), %d runs each:%n", runs);
        System.out.printf("  10-step flow (baseline):  median %.0f ms, min %.0f ms, max %.0f ms%n",
            small[runs / 2], small[0], small[runs - 1]);
        System.out.printf("  %,d-step flow:          median %.0f ms, min %.0f ms, max %.0f ms (%d nodes drawn: ranks"
            + " collapsed; goal: at most 2000 ms)%n", steps + 1, large[runs / 2], large[0], large[runs - 1], drawn);
        System.out.printf("  ratio large/baseline: %.1fx%n", large[runs / 2] / small[runs / 2]);
        Path shots = Path.of("target", "ui-screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("large-flow.png"), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        double expand = expandOneRank(driver);
        Files.write(shots.resolve("large-flow-rank-expanded.png"),
            driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        System.out.printf("  expanding one rank of 100 steps in place: %.0f ms to redraw%n", expand);
        System.out.printf("  load average: %.1f on %d cores%n",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
      } finally {
        driver.quit();
        controller.close();
      }
    }
  }

  /**
   * ValidationBenchmark's layered shape with the smallest template, so the object stays a size an API server
   * takes (its full templates make a 10,000-step flow larger than the webhook's 8 MiB request limit).
   */
  static JobFlow layered(int steps, int width) {
    JobFlow flow = ValidationBenchmark.layeredFlow(steps, width);
    for (var step : flow.getSpec().getSteps()) {
      step.setTemplate(new io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder().withNewTemplate().withNewSpec()
          .withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox").endContainer()
          .endSpec().endTemplate().build());
      step.setRetries(null);
      step.setTimeout(null);
    }
    return flow;
  }

  private static void create(Emulator emulator, String name, JobFlow flow) {
    flow.getMetadata().setName(name);
    flow.getSpec().setSuspend(true);
    emulator.client().resources(JobFlow.class).inNamespace("default").resource(flow).create();
  }

  private static void awaitStatus(Emulator emulator, String name) {
    emulator.client().resources(JobFlow.class).inNamespace("default").withName(name).waitUntilCondition(
        f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null, 300, TimeUnit.SECONDS);
  }

  private static ChromeDriver chromium(Path dir) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
        "--window-size=1400,1000", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    return new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build(), options);
  }

  /** Milliseconds from navigation start to the page's "DAG drawn" mark, sorted. */
  private static double[] measure(ChromeDriver driver, String url, int runs) {
    double[] ms = new double[runs];
    for (int i = 0; i < runs + 1; i++) {
      driver.get("about:blank");
      driver.get(url);
      Object rendered = new WebDriverWait(driver, Duration.ofSeconds(120), Duration.ofMillis(20))
          .until(d -> ((ChromeDriver) d).executeScript("return window.jobflowRendered || null"));
      if (i > 0) {
        ms[i - 1] = ((Number) rendered).doubleValue();
      }
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double expandOneRank(ChromeDriver driver) {
    Object took = driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const before = window.jobflowRendered;
        const start = performance.now();
        document.querySelector("#dag g.node[data-kind='rank']").dispatchEvent(new MouseEvent('click', {bubbles: true}));
        const poll = () => window.jobflowRendered !== before ? done(window.jobflowRendered - start) : setTimeout(poll, 10);
        poll();
        """);
    return ((Number) took).doubleValue();
  }
}
