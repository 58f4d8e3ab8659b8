package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented command: {@code jobflow dev --clock-speed 86400 --exit-when-done} with the template and the nightly
 * schedule of {@code examples/}: the schedule fires within seconds, its first run is followed to Succeeded, exit 0.
 */
class DevScheduleTest {
  @TempDir
  Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(300)
  void aNightlyScheduleFiresVisiblyOnAFasterClock() throws Exception {
    Path examples = Path.of(System.getProperty("jobflow.project.dir", "."), "examples");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    CliRun run;
    try {
      run = CliRun.run("dev", "--exit-when-done", "--clock-speed", "86400", "--port", "0", "--data-dir",
          dir.toString(), examples.resolve("nightly-etl-template.yaml").toString(),
          examples.resolve("nightly-etl-schedule.yaml").toString());
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString();
    assertEquals(ExitCodes.OK, run.exit(), out + run.err());
    assertTrue(out.contains("schedule default/nightly-eu runs at \"30 2 * * *\" Europe/Berlin on a clock 86400.0x faster"),
        out);
    assertTrue(out.matches("(?s).*default/nightly-eu-\\d{8} ended Succeeded.*"), out);
    assertTrue(out.contains("jobflow dev: every flow succeeded"), out);
  }
}
