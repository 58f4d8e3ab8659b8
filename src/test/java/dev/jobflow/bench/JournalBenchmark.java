package dev.jobflow.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.typesafe.config.Config;
import dev.jobflow.journal.CounterEntity;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.TestJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Events persisted per second by many concurrent entities (each persisting one event at a time, as a flow
 * does), on H2 and on PostgreSQL, next to the raw rate of batched JDBC inserts of the same rows (same
 * payload, same tag) into the same database in the same run: the ceiling the journal can approach. The
 * entities run twice per round, once through akka-persistence-jdbc's own DAO ({@code jobflow.journal.group-commit
 * = off}, the write path before) and once through {@link dev.jobflow.journal.GroupCommitJournalDao} (the default),
 * each in its own actor system and pool on the same database. Phases alternate over {@code rounds}; the median
 * of each is printed, with the load average, because the machine is shared.
 *
 * <p>{@code bin/bench JournalBenchmark [entities=200] [eventsPerEntity=50] [rawConnections=4] [rounds=3]};
 * {@code JOBFLOW_BENCH_JOURNAL_CONFIG} (HOCON) is laid over both systems' config, to try settings, and
 * {@code JOBFLOW_BENCH_JOURNAL_DIALECTS} (e.g. {@code POSTGRESQL}) picks the databases. Next to each rate: this
 * process's CPU time per event, the cost that decides the rate when the cores are shared.
 */
public final class JournalBenchmark {
  private static final int RAW_BATCH = 400; // akka-persistence-jdbc's jdbc-journal.batchSize
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    int entities = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int perEntity = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rawConnections = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    String extra = System.getenv().getOrDefault("JOBFLOW_BENCH_JOURNAL_CONFIG", "");
    System.out.printf("JournalBenchmark: %d entities x %d events each (tagged), %d rounds, %d cores, load %s%n",
        entities, perEntity, rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
    if (!extra.isBlank()) {
      System.out.println("extra config: " + extra.replace('\n', ' '));
    }
    String dialects = System.getenv().getOrDefault("JOBFLOW_BENCH_JOURNAL_DIALECTS", "H2,POSTGRESQL");
    for (JournalDialect dialect : JournalDialect.values()) {
      if (!List.of(dialects.toUpperCase().split(",")).contains(dialect.name())) {
        continue;
      }
      Path tmp = Files.createTempDirectory("journal-bench");
      try (TestJournal journal = TestJournal.open(dialect, tmp, extra)) {
        run(dialect, journal, entities, perEntity, rawConnections, rounds);
      } catch (RuntimeException e) {
        if (e.getClass().getName().contains("opentest4j")) { // PostgreSQL unreachable: TestJournal skipped it
          System.out.printf("%-10s skipped: %s%n", dialect, e.getMessage());
        } else {
          throw e;
        }
      } finally {
        deleteTree(tmp);
      }
    }
  }

  private static void run(JournalDialect dialect, TestJournal journal, int entities, int perEntity, int rawConnections,
      int rounds) throws Exception {
    long events = (long) entities * perEntity;
    Config groupCommit = journal.akkaConfig();
    Config plugin = journal.settings().withGroupCommit(false).akkaConfig();
    ActorSystem<Void> before = ActorSystem.create(Behaviors.empty(), "bench-plugin-dao", plugin);
    ActorSystem<Void> after = ActorSystem.create(Behaviors.empty(), "bench-group-commit", groupCommit);
    try {
      persistFromEntities(before, journal, "warmup-a-", Math.min(entities, 50), 20);
      persistFromEntities(after, journal, "warmup-b-", Math.min(entities, 50), 20);
      SampleRow row = sampleRow(journal, "warmup-b-0");
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<String, Double> cpuSeconds = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (int connections : new int[] {1, rawConnections}) {
          String prefix = "raw" + connections + "-r" + round + "-";
          rates.computeIfAbsent("raw" + connections, k -> new ArrayList<>()).add(events / seconds(cpuSeconds,
              "raw" + connections, () -> rawInserts(journal, row, prefix, entities, perEntity, connections)));
        }
        String r = "-r" + round + "-";
        rates.computeIfAbsent("plugin", k -> new ArrayList<>()).add(events / seconds(cpuSeconds, "plugin", () ->
            persistFromEntities(before, journal, "before" + r, entities, perEntity)));
        rates.computeIfAbsent("group", k -> new ArrayList<>()).add(events / seconds(cpuSeconds, "group", () ->
            persistFromEntities(after, journal, "after" + r, entities, perEntity)));
      }
      double raw1 = median(rates.get("raw1"));
      double rawN = median(rates.get("raw" + rawConnections));
      double perEvent = 1e6 / (events * (double) rounds); // CPU seconds per phase -> microseconds per event
      System.out.printf("%-10s raw JDBC, 1 connection:     %,8.0f rows/s   %-15s %4.0f us CPU/row (batches of %d"
          + " rows + tags, one commit each)%n", dialect, raw1, spread(rates.get("raw1")),
          cpuSeconds.get("raw1") * perEvent, RAW_BATCH);
      System.out.printf("%-10s raw JDBC, %d connections:    %,8.0f rows/s   %-15s %4.0f us CPU/row%n", dialect,
          rawConnections, rawN, spread(rates.get("raw" + rawConnections)), cpuSeconds.get("raw" + rawConnections) * perEvent);
      for (String path : List.of("plugin", "group")) {
        double rate = median(rates.get(path));
        System.out.printf("%-10s entities, %-16s %,8.0f events/s %-15s %4.0f us CPU/event = %3.0f%% of 1 connection,"
                + " %3.0f%% of %d%n", dialect, path.equals("plugin") ? "plugin's DAO:" : "group commit:", rate,
            spread(rates.get(path)), cpuSeconds.get(path) * perEvent, 100 * rate / raw1, 100 * rate / rawN, rawConnections);
      }
      System.out.printf("%-10s load average now %s%n", dialect, loadAverage());
    } finally {
      for (ActorSystem<Void> system : List.of(before, after)) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get();
      }
    }
  }

  private interface Phase {
    void run() throws Exception;
  }

  /** Wall-clock seconds of the phase; its CPU seconds (this process, all threads) are added to {@code cpu}. */
  private static double seconds(Map<String, Double> cpu, String name, Phase phase) throws Exception {
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    phase.run();
    double wall = (System.nanoTime() - t0) / 1e9;
    cpu.merge(name, (processCpuNanos() - c0) / 1e9, Double::sum);
    return wall;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String spread(List<Double> values) {
    return String.format("(%,.0f-%,.0f)", values.stream().mapToDouble(d -> d).min().orElse(0),
        values.stream().mapToDouble(d -> d).max().orElse(0));
  }

  private static String loadAverage() {
    try {
      return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")).subList(0, 3));
    } catch (IOException e) {
      return String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** Every entity appends its events one after another; all entities run at once. */
  private static void persistFromEntities(ActorSystem<Void> system, TestJournal journal, String prefix, int entities,
      int perEntity) {
    List<CompletableFuture<Long>> done = new ArrayList<>();
    for (int i = 0; i < entities; i++) {
      ActorRef<CounterEntity.Command> entity = system.systemActorOf(
          CounterEntity.create(prefix + i, journal.settings().persistFailureBackoff(), RetentionCriteria.disabled()),
          prefix + i, akka.actor.typed.Props.empty());
      CompletionStage<Long> chain = CompletableFuture.completedFuture(0L);
      for (int e = 0; e < perEntity; e++) {
        String value = "event-" + e;
        chain = chain.thenCompose(ignored -> AskPattern.<CounterEntity.Command, Long>ask(entity,
            reply -> new CounterEntity.Append(value, reply), ASK_TIMEOUT, system.scheduler()));
      }
      done.add(chain.toCompletableFuture());
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
  }

  /** One stored event, to insert byte-for-byte the same rows by hand. */
  private record SampleRow(String writer, String adapterManifest, int serId, String serManifest, byte[] payload) {}

  private static SampleRow sampleRow(TestJournal journal, String persistenceId) throws Exception {
    try (Connection c = journal.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + cols(journal, "writer", "adapter_manifest", "event_ser_id",
             "event_ser_manifest", "event_payload") + " FROM " + journal.table("event_journal") + " WHERE "
             + journal.column("persistence_id") + " = '" + persistenceId + "' AND " + journal.column("sequence_number") + " = 1")) {
      rs.next();
      return new SampleRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getBytes(5));
    }
  }

  private static void rawInserts(TestJournal journal, SampleRow row, String prefix, int entities, int perEntity,
      int connections) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int part = 0; part < connections; part++) {
        int from = part * entities / connections;
        int to = (part + 1) * entities / connections;
        parts.add(pool.submit(() -> {
          insertRange(journal, row, prefix, from, to, perEntity);
          return null;
        }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Journal rows plus their tag rows, {@link #RAW_BATCH} events per batch and per transaction. */
  private static void insertRange(TestJournal journal, SampleRow row, String prefix, int from, int to, int perEntity)
      throws Exception {
    String insertEvent = "INSERT INTO " + journal.table("event_journal") + " (" + cols(journal, "deleted",
        "persistence_id", "sequence_number", "writer", "write_timestamp", "adapter_manifest", "event_payload",
        "event_ser_id", "event_ser_manifest") + ") VALUES (FALSE, ?, ?, ?, ?, ?, ?, ?, ?)";
    String insertTag = "INSERT INTO " + journal.table("event_tag") + " (" + cols(journal, "event_id", "tag")
        + ") VALUES (?, ?)";
    try (Connection c = journal.connect();
         PreparedStatement events = c.prepareStatement(insertEvent, new String[] {"ordering"});
         PreparedStatement tags = c.prepareStatement(insertTag)) {
      c.setAutoCommit(false);
      int inBatch = 0;
      for (int entity = from; entity < to; entity++) {
        for (int seq = 1; seq <= perEntity; seq++) {
          events.setString(1, prefix + entity);
          events.setLong(2, seq);
          events.setString(3, row.writer());
          events.setLong(4, System.currentTimeMillis());
          events.setString(5, row.adapterManifest());
          events.setBytes(6, row.payload());
          events.setInt(7, row.serId());
          events.setString(8, row.serManifest());
          events.addBatch();
          if (++inBatch == RAW_BATCH) {
            flush(c, events, tags);
            inBatch = 0;
          }
        }
      }
      if (inBatch > 0) {
        flush(c, events, tags);
      }
    }
  }

  private static void flush(Connection c, PreparedStatement events, PreparedStatement tags) throws Exception {
    events.executeBatch();
    try (ResultSet keys = events.getGeneratedKeys()) {
      while (keys.next()) {
        tags.setLong(1, keys.getLong(1));
        tags.setString(2, CounterEntity.TAG);
        tags.addBatch();
      }
    }
    tags.executeBatch();
    c.commit();
  }

  private static String cols(TestJournal journal, String... names) {
    return String.join(", ", Stream.of(names).map(journal::column).toList());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
