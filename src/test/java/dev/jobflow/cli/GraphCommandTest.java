package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCommandTest {
  static final String DIAMOND = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: diamond}
      spec:
        steps:
          - {name: extract, template: {template: {spec: {containers: [{name: m, image: i}]}}}}
          - {name: left, dependsOn: [extract], template: {template: {spec: {containers: [{name: m, image: i}]}}}}
          - {name: right, dependsOn: [extract], template: {template: {spec: {containers: [{name: m, image: i}]}}}}
          - {name: load, dependsOn: [left, right], template: {template: {spec: {containers: [{name: m, image: i}]}}}}
        finally:
          - {name: notify, template: {template: {spec: {containers: [{name: m, image: i}]}}}}
      """;

  @TempDir
  Path dir;

  @Test
  void mermaidIsTheDefaultWithFinallyInItsOwnSubgraph() throws Exception {
    Path file = dir.resolve("d.yaml");
    Files.writeString(file, DIAMOND);
    CliRun run = CliRun.run("graph", file.toString());
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    assertEquals("""
        flowchart TD
          subgraph dag ["diamond"]
            s0["extract"]
            s1["left"]
            s2["right"]
            s3["load"]
          end
          subgraph finally_steps ["finally"]
            f0["notify"]
          end
          s0 --> s1
          s0 --> s2
          s1 --> s3
          s2 --> s3
          dag -. whatever the outcome .-> finally_steps
        """, run.out().replace("\r", ""));
  }

  @Test
  void conditionalEdgesAreDottedAndSayOnWhat() throws Exception {
    Path file = Path.of(System.getProperty("jobflow.project.dir", "."), "examples", "failure-report.yaml");
    CliRun mermaid = CliRun.run("graph", file.toString());
    assertEquals(0, mermaid.exit(), mermaid.toString());
    assertTrue(mermaid.out().contains("  s0 --> s1\n"), mermaid.out());
    assertTrue(mermaid.out().contains("  s1 -.->|\"Failed or Errored\"| s2\n"), mermaid.out());
    assertTrue(mermaid.out().contains("  s1 -.->|\"Succeeded\"| s3\n"), mermaid.out());
    CliRun dot = CliRun.run("graph", "--format", "dot", file.toString());
    assertTrue(dot.out().contains("s1 -> s2 [style=dashed, label=\"Failed or Errored\"];"), dot.out());
    assertTrue(dot.out().contains("s0 -> s1;"), dot.out());
    Path branch = file.resolveSibling("branch-on-output.yaml");
    assertTrue(CliRun.run("graph", branch.toString()).out().contains("s0 -.->|\"when\"| s1"), "a when marks its edges");
  }

  @Test
  void dotHasAClusterForFinallyAndAnEdgePerDependency() {
    CliRun run = CliRun.withStdin(DIAMOND, "graph", "--format", "dot", "-");
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    String dot = run.out();
    assertTrue(dot.startsWith("digraph \"diamond\" {"), dot);
    assertTrue(dot.contains("subgraph cluster_finally {"), dot);
    assertTrue(dot.contains("f0 [label=\"notify\"];"), dot);
    for (String edge : new String[] {"s0 -> s1;", "s0 -> s2;", "s1 -> s3;", "s2 -> s3;"}) {
      assertTrue(dot.contains(edge), edge + " in " + dot);
    }
    assertTrue(dot.contains("s3 -> f0 [ltail=cluster_dag, lhead=cluster_finally"), dot);
    assertTrue(dot.strip().endsWith("}"), dot);
  }

  @Test
  void anInvalidFlowIsDrawnAsWrittenAndExitsOne() {
    String cyclic = DIAMOND.replace("{name: extract,", "{name: extract, dependsOn: [load, ghost],");
    CliRun run = CliRun.withStdin(cyclic, "graph", "-");
    assertEquals(ExitCodes.INVALID, run.exit());
    assertTrue(run.out().contains("s3 --> s0"), run.out());
    assertTrue(run.out().contains("m0[\"ghost (no such step)\"]:::missing"), run.out());
    assertTrue(run.err().contains("diamond is invalid"), run.err());
    assertTrue(run.err().contains("dependency cycle: extract -> left -> load -> extract"), run.err());
  }

  @Test
  void severalFlowsNeedANameAndNoneIsAnError() {
    String two = DIAMOND + "---\n" + DIAMOND.replace("name: diamond", "name: other");
    CliRun ambiguous = CliRun.withStdin(two, "graph", "-");
    assertEquals(ExitCodes.ERROR, ambiguous.exit());
    assertEquals("jobflow: <stdin> holds 2 JobFlows (diamond, other): pick one with --name",
        ambiguous.err().strip());
    CliRun picked = CliRun.withStdin(two, "graph", "--name", "other", "-");
    assertEquals(ExitCodes.OK, picked.exit(), picked.err());
    assertTrue(picked.out().contains("subgraph dag [\"other\"]"), picked.out());
    CliRun missing = CliRun.run("graph", dir.resolve("none.yaml").toString());
    assertEquals(ExitCodes.ERROR, missing.exit());
    assertTrue(missing.err().contains("none.yaml: no such file"), missing.err());
    assertFalse(missing.err().contains("\tat "), missing.err());
  }
}
