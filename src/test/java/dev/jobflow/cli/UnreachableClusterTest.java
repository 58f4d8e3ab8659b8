package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cluster verb against a server that refuses connections, and against one that accepts them but never
 * answers: exit 3 within a bounded time, one line naming the server, no stack trace.
 */
class UnreachableClusterTest {
  /** Generous: the machine is shared; the point is "bounded", not "fast". */
  static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  static Path flowFile;
  static Path refusing;
  static Path silent;
  static ServerSocket neverAnswers;

  @BeforeAll
  static void servers() throws IOException {
    flowFile = dir.resolve("flow.yaml");
    Files.writeString(flowFile, CliCluster.flow("offline", "ok: true"));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    refusing = kubeconfig("refusing", "http://127.0.0.1:" + closedPort);
    // Bound but never accepting: the kernel completes the handshake, then nothing is ever said.
    neverAnswers = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    silent = kubeconfig("silent", "http://127.0.0.1:" + neverAnswers.getLocalPort());
  }

  @AfterAll
  static void close() throws IOException {
    neverAnswers.close();
  }

  static Path kubeconfig(String name, String server) throws IOException {
    Path file = dir.resolve(name + ".kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]
        current-context: x
        """.formatted(server));
    return file;
  }

  static Stream<List<String>> verbs() {
    return Stream.of(
        List.of("submit", "FILE"), List.of("submit", "--wait", "FILE"), List.of("get", "etl"), List.of("list", "-A"),
        List.of("watch", "etl"), List.of("logs", "etl"), List.of("logs", "etl", "-f"), List.of("suspend", "etl"),
        List.of("resume", "etl"), List.of("stop", "etl"), List.of("terminate", "etl"), List.of("delete", "etl"));
  }

  @ParameterizedTest
  @MethodSource("verbs")
  void aRefusedConnectionExitsThreeWithOneLine(List<String> verb) {
    CliRun run = assertTimeoutPreemptively(BOUND, () -> CliRun.run(args(verb, refusing)));
    assertUnreachable(run, "cannot reach the cluster at http://127.0.0.1:");
  }

  @ParameterizedTest
  @MethodSource("verbs")
  void aServerThatNeverAnswersExitsThreeOnceTheRequestTimeoutIsOver(List<String> verb) {
    CliRun run = assertTimeoutPreemptively(BOUND, () -> CliRun.run(args(verb, silent, "--request-timeout", "1s")));
    assertUnreachable(run, "cannot reach the cluster at http://127.0.0.1:" + neverAnswers.getLocalPort());
  }

  static String[] args(List<String> verb, Path kubeconfig, String... more) {
    List<String> all = new ArrayList<>();
    verb.forEach(a -> all.add(a.equals("FILE") ? flowFile.toString() : a));
    all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  static void assertUnreachable(CliRun run, String start) {
    assertEquals(3, run.exit(), run.toString());
    assertTrue(run.err().startsWith("jobflow: " + start), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception:"), run.err());
    assertTrue(run.err().contains("(kubeconfig " + dir), run.err()); // where the server came from
  }
}
