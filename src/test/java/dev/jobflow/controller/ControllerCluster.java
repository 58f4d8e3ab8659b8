package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jobflow.journal.PostgresTestDatabase;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * N controller processes from the built jar in one cluster (seed nodes on loopback), an emulator process (simulate
 * executor) and a fresh PostgreSQL schema as their journal: what {@link ReplicasIT} and the replicas benchmark run.
 */
public final class ControllerCluster implements AutoCloseable {
  private static final Pattern RUNNING = Pattern.compile("jobflow controller: running \\(http (\\d+)");

  private final Path dir;
  private final PostgresTestDatabase pg;
  private final Process emulator;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final int[] remotingPorts;
  private final Process[] controllers;
  private final Path[] logs;
  private final Map<String, String> env;
  private final List<String> javaOptions;
  /** Replicas meant to be down now (killed, or stopping); guarded by this. */
  private final boolean[] plannedDown;
  private final List<String> unplannedExits = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService supervisor =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replica-supervisor");
        t.setDaemon(true);
        return t;
      });

  private ControllerCluster(Path dir, int replicas, Map<String, String> env, String javaOptions) throws Exception {
    this.dir = dir;
    this.env = env;
    this.javaOptions = List.of(javaOptions.trim().split("\\s+"));
    this.pg = PostgresTestDatabase.create();
    this.kubeconfig = dir.resolve("dev.kubeconfig");
    // A kubeconfig left by an earlier run names its emulator's port: waiting for the file would find it at once.
    Files.deleteIfExists(kubeconfig);
    this.emulator = jobflow(dir.resolve("emulator.log"), this.javaOptions, Map.of(), "emulator", "--port", "0",
        "--kubeconfig-out", kubeconfig.toString(), "--executor", "simulate", "--data-dir",
        dir.resolve("emulator").toString());
    ControllerKillIT.awaitFile(kubeconfig, emulator);
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    this.remotingPorts = new int[replicas];
    this.controllers = new Process[replicas];
    this.logs = new Path[replicas];
    this.plannedDown = new boolean[replicas];
    for (int i = 0; i < replicas; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        remotingPorts[i] = s.getLocalPort();
      }
    }
  }

  /**
   * Starts the emulator and the first replica (it creates the tables and forms the cluster), then the others
   * together (they join it).
   */
  public static ControllerCluster start(Path dir, int replicas) throws Exception {
    // Three JVMs and an emulator on a loaded machine stall for seconds: a 3 s heartbeat pause then downs a replica
    // that is only slow (seen in a rolling restart under load average 30); the kill is detected either way. The
    // client compiler and the serial collector spend far less CPU than C2 and G1's threads while four JVMs start
    // on two cores, which is what stalls them; the tests measure nothing that depends on either.
    return start(dir, replicas, Map.of("JOBFLOW_CLUSTER_HEARTBEAT_PAUSE", "10s"), System.getenv().getOrDefault(
        "JOBFLOW_REPLICA_JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
  }

  /**
   * The same, with {@code env} added to every replica's environment (e.g. the cluster's timings) and these JVM
   * options for every process.
   */
  public static ControllerCluster start(Path dir, int replicas, Map<String, String> env, String javaOptions)
      throws Exception {
    ControllerCluster cluster = new ControllerCluster(dir, replicas, env, javaOptions);
    cluster.supervisor.scheduleWithFixedDelay(cluster::restartExited, 1, 1, TimeUnit.SECONDS);
    try {
      cluster.start(0);
      cluster.awaitReady(0);
      for (int i = 1; i < replicas; i++) {
        cluster.start(i);
      }
      for (int i = 1; i < replicas; i++) {
        cluster.awaitReady(i);
      }
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public KubernetesClient client() {
    return client;
  }

  public PostgresTestDatabase journal() {
    return pg;
  }

  /** SIGKILL: no leaving, no handoff; the others down it (Split Brain Resolver) and take its flows over. */
  public void kill(int i) throws InterruptedException {
    Process p = takeDown(i);
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      fail("controller " + i + " survived SIGKILL");
    }
  }

  /** SIGTERM, as a rolling update: coordinated shutdown hands the replica's shards off, then it exits. */
  public void stop(int i) throws InterruptedException {
    long started = System.nanoTime();
    Process p = takeDown(i);
    p.destroy();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      fail("controller " + i + " did not stop within 150 s of SIGTERM");
    }
    System.out.printf("controller %d stopped %.1f s after SIGTERM (exit %d)%n", i,
        (System.nanoTime() - started) / 1e9, p.exitValue());
  }

  /** Starts replica {@code i} again (same remoting port) and waits until it is ready. */
  public void restart(int i) throws Exception {
    long started = System.nanoTime();
    synchronized (this) {
      start(i);
      plannedDown[i] = false;
    }
    awaitReady(i);
    System.out.printf("controller %d ready %.1f s after its start%n", i, (System.nanoTime() - started) / 1e9);
  }

  /** Waits until every replica not taken down on purpose is ready (one that exited by itself is back). */
  public void awaitAllReady() {
    for (int i = 0; i < controllers.length; i++) {
      boolean down;
      synchronized (this) {
        down = plannedDown[i];
      }
      if (!down) {
        awaitReady(i);
      }
    }
  }

  /**
   * The replicas that exited without being told to, each started again by then: on a machine so loaded that a JVM
   * stalls for longer than the failure detector's pause, the Split Brain Resolver downs a replica that is only slow,
   * and a downed replica exits. What the figures must survive, as in Kubernetes, where its pod starts again.
   */
  public List<String> unplannedExits() {
    return List.copyOf(unplannedExits);
  }

  private synchronized Process takeDown(int i) {
    plannedDown[i] = true;
    return controllers[i];
  }

  /** What the kubelet does for a pod whose process exited: start it again (not awaited; readiness says when). */
  private synchronized void restartExited() {
    for (int i = 0; i < controllers.length; i++) {
      Process p = controllers[i];
      if (p != null && !plannedDown[i] && !p.isAlive()) {
        String exit = "controller " + i + " exited by itself (exit " + p.exitValue() + ", log " + logs[i] + ")";
        unplannedExits.add(exit);
        System.out.println(exit + "; started again, as its pod would be. Its last lines:\n" + lastLines(logs[i], 8));
        try {
          start(i);
        } catch (Exception e) {
          System.out.println("controller " + i + " could not be started again: " + e);
        }
      }
    }
  }

  private synchronized void start(int i) throws Exception {
    String seeds = Arrays.stream(remotingPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    logs[i] = dir.resolve("controller-" + i + "-" + System.nanoTime() + ".log");
    Map<String, String> replicaEnv = new java.util.HashMap<>(env);
    replicaEnv.put("JOBFLOW_INSTANCE_ID", "replica-" + i);
    controllers[i] = jobflow(logs[i], javaOptions, replicaEnv, "controller",
        "--kubeconfig", kubeconfig.toString(), "--no-webhook", "--http-port", "0", "--metrics-port", "0",
        "--journal-url", pg.url(), "--journal-user", PostgresTestDatabase.USER,
        "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(remotingPorts[i]),
        "--cluster-seed-nodes", seeds);
  }

  /**
   * Ready: the controller is a cluster member with its informers synced (/readyz 200). A process that exits
   * meanwhile is started again by the supervisor, and this waits for the new one.
   */
  private void awaitReady(int i) {
    HttpClient http = HttpClient.newHttpClient();
    Path[] lastLog = new Path[1];
    try {
      Awaitility.await("controller " + i + " ready").atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            Process p;
            synchronized (this) {
              p = controllers[i];
              lastLog[0] = logs[i];
            }
            return p.isAlive() && isReady(http, lastLog[0]);
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String log;
      try {
        log = Files.readString(lastLog[0]);
      } catch (java.io.IOException io) {
        log = "(no log: " + io + ")";
      }
      fail("controller " + i + " not ready within 180 s; its log:\n" + log);
    }
  }

  private static String lastLines(Path log, int n) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static boolean isReady(HttpClient http, Path log) throws Exception {
    Matcher m = RUNNING.matcher(Files.readString(log));
    if (!m.find()) {
      return false;
    }
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/readyz"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    }
  }


  private static Process jobflow(Path log, List<String> javaOptions, Map<String, String> env, String... args)
      throws Exception {
    String jar = System.getProperty("jobflow.jar", "target/jobflow.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  @Override
  public void close() {
    supervisor.shutdownNow();
    for (Process c : controllers) {
      if (c != null) {
        c.destroyForcibly();
      }
    }
    client.close();
    emulator.destroyForcibly();
    pg.close();
  }
}
