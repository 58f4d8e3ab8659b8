package dev.jobflow.step;

import akka.Done;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine's test double of the cluster: Jobs in a map. Counts create calls and actual creations per
 * Job name, so tests can prove that no attempt ever got two Jobs. Optionally finishes Jobs by itself
 * ({@link #finishWith}), instantly, for the benchmark. Thread-safe.
 */
public final class InMemoryJobRuntime implements JobRuntime {
  /** One Job: whose it is, and where it stands. */
  public record Job(JobKey key, String flowUid, String step, int attempt, String uid, JobState state,
                    String reason, String message) {
    Job with(JobState s, String r, String m) {
      return new Job(key, flowUid, step, attempt, uid, s, r, m);
    }
  }

  private final Object lock = new Object();
  private final Map<JobKey, Job> jobs = new HashMap<>();
  /** The keys of each flow's Jobs by step, so a create's later-attempt check does not scan every Job. */
  private final Map<String, Map<String, List<JobKey>>> byFlowStep = new HashMap<>();
  private final Map<JobKey, List<Consumer<JobObservation>>> watchers = new HashMap<>();
  private final Map<String, AtomicInteger> createCalls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> creations = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> deletions = new ConcurrentHashMap<>();
  private final AtomicInteger transientFailures = new AtomicInteger();
  private final AtomicInteger rejections = new AtomicInteger();
  private final AtomicInteger watchCrashes = new AtomicInteger();
  private final Map<String, JobResults> results = new ConcurrentHashMap<>();
  private final Map<String, AttemptSpec> specs = new ConcurrentHashMap<>();
  private final AtomicInteger resultReads = new AtomicInteger();
  private final Clock clock;
  private volatile Function<AttemptSpec, JobState> finisher;
  private volatile Consumer<AttemptSpec> onCreateCall = spec -> {};

  public InMemoryJobRuntime(Clock clock) {
    this.clock = clock;
  }

  /** New Jobs finish at once in the state the function gives (null: they stay Active until told). */
  public InMemoryJobRuntime finishWith(Function<AttemptSpec, JobState> finisher) {
    this.finisher = finisher;
    return this;
  }

  /** Called on every createIfAbsent, before it answers (the benchmark's timing hook). */
  public InMemoryJobRuntime onCreateCall(Consumer<AttemptSpec> hook) {
    this.onCreateCall = hook;
    return this;
  }

  /** The next {@code n} create calls fail as an unreachable API server would. */
  public void failNextCreates(int n) {
    transientFailures.set(n);
  }

  /** The next {@code n} create calls are refused as an API server refuses an invalid Job (422). */
  public void rejectNextCreates(int n) {
    rejections.set(n);
  }

  @Override
  public CompletionStage<JobHandle> createIfAbsent(AttemptSpec a) {
    onCreateCall.accept(a);
    specs.put(a.job().name(), a);
    createCalls.computeIfAbsent(a.job().name(), k -> new AtomicInteger()).incrementAndGet();
    if (rejections.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new JobRejectedException(a.job(), 422,
          "Job.batch \"" + a.job().name() + "\" is invalid: metadata.labels: Invalid value: \"a b\" (simulated)"));
    }
    if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("connection refused (simulated)"));
    }
    Job job;
    boolean adopted;
    synchronized (lock) {
      Job existing = jobs.get(a.job());
      if (existing != null) {
        if (!a.flowUid().equals(existing.flowUid()) || !a.step().equals(existing.step())
            || a.attempt() != existing.attempt()) {
          return CompletableFuture.failedFuture(new JobConflictException(a.job(),
              "it belongs to flow " + existing.flowUid() + " step " + existing.step() + " attempt " + existing.attempt()));
        }
        job = existing;
        adopted = true;
      } else {
        String later = AttemptSupersededException.laterJob(a, jobsOfStep(a.job().namespace(), a.flowUid(), a.step()));
        if (later != null) {
          return CompletableFuture.failedFuture(new AttemptSupersededException(a.job(), later));
        }
        creations.computeIfAbsent(a.job().name(), k -> new AtomicInteger()).incrementAndGet();
        // The uid follows from the name, so two runtimes holding "the same" Job agree (crash tests compare them).
        String uid = UUID.nameUUIDFromBytes(a.job().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        job = new Job(a.job(), a.flowUid(), a.step(), a.attempt(), uid, JobState.Active, null, null);
        Function<AttemptSpec, JobState> f = finisher;
        JobState end = f == null ? null : f.apply(a);
        if (end != null && end != JobState.Active) {
          job = job.with(end, end == JobState.Failed ? "BackoffLimitExceeded" : null,
              end == JobState.Failed ? "Job has reached the specified backoff limit" : null);
        }
        put(job);
        adopted = false;
      }
    }
    return CompletableFuture.completedFuture(new JobHandle(a.job(), job.uid(), adopted));
  }

  /** The next {@code n} watch calls throw, as a buggy informer would: the caller crashes. */
  public void crashNextWatches(int n) {
    watchCrashes.set(n);
  }

  @Override
  public Subscription watch(JobKey key, Consumer<JobObservation> listener) {
    if (watchCrashes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("watch failed (simulated crash)");
    }
    JobObservation now;
    synchronized (lock) {
      watchers.computeIfAbsent(key, k -> new ArrayList<>()).add(listener);
      now = observe(key, jobs.get(key));
    }
    listener.accept(now);
    return () -> {
      synchronized (lock) {
        List<Consumer<JobObservation>> list = watchers.get(key);
        if (list != null) {
          list.remove(listener);
        }
      }
    };
  }

  @Override
  public CompletionStage<List<ExistingJob>> jobsOf(String namespace, String flowUid) {
    return CompletableFuture.completedFuture(jobsNow(namespace, flowUid));
  }

  private List<ExistingJob> jobsNow(String namespace, String flowUid) {
    synchronized (lock) {
      // Through the flow's index, as the controller's informer answers it: a scan of every Job per recovering flow
      // made RestartBenchmark's restart of 10,000 flows quadratic, most of its CPU in this lambda.
      List<ExistingJob> out = new ArrayList<>();
      for (List<JobKey> keys : byFlowStep.getOrDefault(flowUid, Map.of()).values()) {
        for (JobKey key : keys) {
          Job j = jobs.get(key);
          if (j != null && key.namespace().equals(namespace)) {
            out.add(new ExistingJob(key.name(), j.step(), j.attempt()));
          }
        }
      }
      return out;
    }
  }

  private List<ExistingJob> jobsOfStep(String namespace, String flowUid, String step) {
    synchronized (lock) {
      List<ExistingJob> out = new ArrayList<>();
      for (JobKey key : byFlowStep.getOrDefault(flowUid, Map.of()).getOrDefault(step, List.of())) {
        Job j = jobs.get(key);
        if (j != null && key.namespace().equals(namespace)) {
          out.add(new ExistingJob(key.name(), j.step(), j.attempt()));
        }
      }
      return out;
    }
  }

  private void put(Job job) {
    if (jobs.put(job.key(), job) == null) {
      byFlowStep.computeIfAbsent(job.flowUid(), f -> new HashMap<>())
          .computeIfAbsent(job.step(), s -> new ArrayList<>()).add(job.key());
    }
  }

  @Override
  public CompletionStage<Done> delete(JobKey key) {
    deletions.computeIfAbsent(key.name(), k -> new AtomicInteger()).incrementAndGet();
    Job gone;
    synchronized (lock) {
      gone = jobs.remove(key);
      if (gone != null) {
        byFlowStep.getOrDefault(gone.flowUid(), Map.of()).getOrDefault(gone.step(), new ArrayList<>()).remove(key);
      }
    }
    if (gone != null) {
      notify(key, observe(key, null));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** What the pods of the Job of this name tell once it has finished (default: nothing was written). */
  public void results(String name, JobResults r) {
    results.put(name, r);
  }

  @Override
  public CompletionStage<JobResults> results(JobKey key, String jobUid) {
    resultReads.incrementAndGet();
    return CompletableFuture.completedFuture(results.getOrDefault(key.name(), JobResults.NONE));
  }

  /** How often the pods of finished Jobs were read. */
  public int resultReads() {
    return resultReads.get();
  }

  /** The attempt the last create call of this Job name was for. */
  public AttemptSpec spec(String name) {
    return specs.get(name);
  }

  /** Moves a Job to a state, as the Job controller would, and tells its watchers. */
  public void set(String namespace, String name, JobState state, String reason, String message) {
    JobKey key = new JobKey(namespace, name);
    Job job;
    synchronized (lock) {
      job = jobs.get(key);
      if (job == null) {
        throw new IllegalArgumentException("no Job " + key + "; Jobs: " + jobs.keySet());
      }
      job = job.with(state, reason, message);
      jobs.put(key, job);
    }
    notify(key, observe(key, job));
  }

  /** Puts a Job of this flow's attempt that no create call made: history a lost journal no longer knows. */
  public void plantJob(JobKey key, String flowUid, String step, int attempt, JobState state) {
    synchronized (lock) {
      put(new Job(key, flowUid, step, attempt, UUID.randomUUID().toString(), state, null, null));
    }
  }

  /** Puts a Job that belongs to someone else under this name. */
  public void plantForeignJob(JobKey key) {
    synchronized (lock) {
      put(new Job(key, "someone-else", "other", 1, UUID.randomUUID().toString(), JobState.Active, null, null));
    }
  }

  public Job job(String name) {
    synchronized (lock) {
      return jobs.values().stream().filter(j -> j.key().name().equals(name)).findFirst().orElse(null);
    }
  }

  public int createCalls(String name) {
    AtomicInteger n = createCalls.get(name);
    return n == null ? 0 : n.get();
  }

  /** How many Jobs of this name were actually created (adoptions not counted). */
  public int creations(String name) {
    AtomicInteger n = creations.get(name);
    return n == null ? 0 : n.get();
  }

  public int deletions(String name) {
    AtomicInteger n = deletions.get(name);
    return n == null ? 0 : n.get();
  }

  /** Every Job name ever created, with its count of creations. */
  public Map<String, Integer> allCreations() {
    Map<String, Integer> out = new HashMap<>();
    creations.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public int totalCreateCalls() {
    return createCalls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private void notify(JobKey key, JobObservation o) {
    List<Consumer<JobObservation>> list;
    synchronized (lock) {
      list = new ArrayList<>(watchers.getOrDefault(key, List.of()));
    }
    list.forEach(l -> l.accept(o));
  }

  private JobObservation observe(JobKey key, Job job) {
    Instant at = clock.instant();
    return job == null ? new JobObservation(key, null, JobState.Deleted, null, null, at)
        : new JobObservation(key, job.uid(), job.state(), job.reason(), job.message(), at);
  }
}
