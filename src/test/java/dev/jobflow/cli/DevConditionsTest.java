package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The condition examples as a new user runs them: {@code jobflow dev --exit-when-done} with the process executor,
 * real local processes writing their termination messages; the printed timeline shows outputs, verdicts and skips.
 */
class DevConditionsTest {
  @TempDir
  Path dir;

  private String dev(String example) throws Exception {
    Path examples = Path.of(System.getProperty("jobflow.project.dir", "."), "examples");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    CliRun run;
    try {
      run = CliRun.run("dev", "--exit-when-done", "--port", "0", "--data-dir", dir.toString(),
          examples.resolve(example).toString());
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString();
    assertEquals(ExitCodes.OK, run.exit(), out + run.err());
    return out;
  }

  @Test
  @org.junit.jupiter.api.Timeout(300)
  void branchingOnAnOutputRunsTrainAndSkipsSample() throws Exception {
    String out = dev("branch-on-output.yaml");
    assertTrue(out.contains("default/branch-on-output ended Succeeded: 2 of 3 steps succeeded, 1 skipped"), out);
    assertTrue(out.contains("outputs={rows=1200, table=t_2026}"), out);
    assertTrue(out.matches("(?s).*StepConditionEvaluated +train.*result=true.*"), out);
    assertTrue(out.matches("(?s).*StepSkipped +sample .*WhenFalse.*"), out);
    String log = Files.readString(dir.resolve("logs/default/branch-on-output-train-1.log"));
    assertTrue(log.contains("training on t_2026 (1200 rows) in prod"), log);
  }

  @Test
  @org.junit.jupiter.api.Timeout(300)
  void aFailureIsReportedWithItsExitCodeAndTheFlowGoesOn() throws Exception {
    String out = dev("failure-report.yaml");
    assertTrue(out.contains("default/failure-report ended Succeeded: 3 of 5 steps succeeded, 1 skipped, "
        + "1 failed with continueOn.failed"), out);
    assertTrue(out.matches("(?s).*StepFailed +smoke-test.*exitCode=3.*"), out);
    assertTrue(out.matches("(?s).*StepSkipped +publish .*DependsFalse.*"), out);
    String log = Files.readString(dir.resolve("logs/default/failure-report-report-failure-1.log"));
    assertTrue(log.contains("smoke-test Failed with exit code 3: filing a ticket"), log);
  }

  @Test
  @org.junit.jupiter.api.Timeout(300)
  void aFanOutRunsOneJobPerItemFromAnOutputASequenceAndAMatrix() throws Exception {
    String out = dev("fan-out.yaml");
    assertTrue(out.contains("default/fan-out ended Succeeded: 15 of 16 steps succeeded, 1 skipped"), out);
    assertTrue(out.matches("(?s).*StepExpanded +per-file .*3 instances.*"), out);
    assertTrue(out.matches("(?s).*StepSkipped +per-file-1 .*WhenFalse.*"), out);
    String log = Files.readString(dir.resolve("logs/default/fan-out-per-file-2-1.log"));
    assertTrue(log.contains("processing c.csv (item 2)"), log);
    assertTrue(Files.readString(dir.resolve("logs/default/fan-out-grid-3-1.log")).contains("training lr=0.01 depth=8"));
    assertTrue(Files.readString(dir.resolve("logs/default/fan-out-shard-2-1.log")).contains("working on shard-02"));
  }
}
