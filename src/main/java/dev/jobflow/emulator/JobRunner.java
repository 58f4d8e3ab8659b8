package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's Job controller and kubelet in one: it follows the store's changes of Jobs (inside the API server,
 * so it costs no HTTP, no watch stream and no second parse of each Job), runs each attempt with a
 * {@link JobExecutor}, and writes through the store's own request handlers, as a client's request would be
 * handled (admission, resourceVersions, watch events), the status a Kubernetes 1.31+
 * cluster would: {@code startTime} and {@code active: 1}, then {@code SuccessCriteriaMet} +
 * {@code Complete} (with {@code succeeded} and {@code completionTime}) or {@code FailureTarget} +
 * {@code Failed} with reason {@code BackoffLimitExceeded} or {@code DeadlineExceeded} (with
 * {@code failed}). A failed Pod is retried up to {@code backoffLimit} times, at once;
 * {@code activeDeadlineSeconds} kills the running attempt; deleting a Job kills it too.
 * All state changes happen on one thread, so a Job's story is never interleaved; the API writes they make
 * go out asynchronously, in order for each Job (one chain per Job) but side by side for different Jobs, so
 * one slow write does not hold up every other Job.
 */
final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final EmulatorStore store;
  private final JobExecutor executor;
  private final boolean createPods;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "emulator-jobs");
    t.setDaemon(true);
    return t;
  });
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private final Map<String, Run> runs = new HashMap<>();
  /**
   * Jobs this runner finished, until they are deleted: their final status may still be on its way, and an
   * informer event from before it must not start them again.
   */
  private final Set<String> finished = new HashSet<>();
  /** Where the API writes run: off the loop, which must not wait for the store's lock. */
  private final ExecutorService writer = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "emulator-job-writes");
    t.setDaemon(true);
    return t;
  });
  private AutoCloseable following;

  /** One Job being run. */
  private final class Run {
    final String uid;
    final String namespace;
    final String name;
    Job job;
    int pods;
    int failed;
    JobExecutor.Attempt attempt;
    String podName;
    /** The current attempt's Pod, or null when it has none. */
    PodRef pod;
    Instant podStarted;
    ScheduledFuture<?> deadline;
    boolean finished;
    /** The status this runner owns and writes whole: only it writes a Job's status. */
    final JobStatus status = new JobStatus();
    /** The API writes for this Job, in the order they were made; each starts when the one before ended. */
    CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);

    void then(Supplier<CompletableFuture<Void>> write) {
      writes = writes.thenCompose(ignored -> write.get());
    }

    Run(Job job) {
      this.job = job;
      this.uid = job.getMetadata().getUid();
      this.namespace = job.getMetadata().getNamespace();
      this.name = job.getMetadata().getName();
    }
  }

  /** An attempt's Pod: its uid arrives with the answer to its create, which the writes after it wait for. */
  private static final class PodRef {
    final String namespace;
    final String name;
    volatile String uid;

    PodRef(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    String path() {
      return "/api/v1/namespaces/" + namespace + "/pods/" + name;
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  JobRunner(EmulatorStore store, JobExecutor executor, boolean createPods) {
    this.store = store;
    this.executor = executor;
    this.createPods = createPods;
  }

  /** Follows the Jobs' changes from now on, then takes the Jobs already stored (seeing one twice is harmless). */
  void start() {
    following = store.hub.follow("batch", "jobs", change -> {
      String type = change.type;
      JsonNode job = change.object;
      loop.execute(() -> observed(type, job));
    });
    JsonNode list = EmulatorStore.read(EmulatorStore.body(store.handleGet("/apis/batch/v1/jobs")));
    list.path("items").forEach(job -> loop.execute(() -> observed("ADDED", job)));
  }

  private void observed(String type, JsonNode object) {
    String uid = object.path("metadata").path("uid").asText();
    if (type.equals("DELETED")) {
      deleted(uid);
    } else if (runs.containsKey(uid) || !finished.contains(uid)) {
      // A Job this runner finished is not read again: its last status is on its way or already stored.
      seen(JSON.convertValue(object, Job.class));
    }
  }

  private void seen(Job job) {
    String uid = job.getMetadata().getUid();
    Run run = runs.get(uid);
    if (run != null) {
      run.job = job;
      return;
    }
    if (finished.contains(uid) || isFinished(job) || job.getMetadata().getDeletionTimestamp() != null
        || Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return;
    }
    run = new Run(job);
    runs.put(uid, run);
    Instant start = now();
    Run r = run;
    run.status.setStartTime(start.toString());
    run.status.setActive(1);
    run.status.setReady(0);
    run.status.setTerminating(0);
    writeStatus(run);
    Long ads = job.getSpec().getActiveDeadlineSeconds();
    if (ads != null) {
      run.deadline = loop.schedule(() -> deadlineExceeded(r), ads, TimeUnit.SECONDS);
    }
    startPod(run);
  }

  private void startPod(Run run) {
    if (run.finished) {
      return;
    }
    int index = run.pods++;
    run.podName = run.name + "-" + suffix();
    run.podStarted = now();
    run.pod = null;
    if (createPods || SimulateExecutor.outputs(run.job) != null) {
      // A Job that writes outputs gets its Pod even without Pods: the controller reads them there.
      PodRef pod = new PodRef(run.namespace, run.podName);
      run.pod = pod;
      createPod(run);
      // As on a kubelet, the container starts once its Pod exists: a Job deleted meanwhile takes the Pod along.
      run.writes.thenRun(() -> loop.execute(() -> {
        if (!run.finished && run.pod == pod) {
          launch(run, index);
        }
      }));
    } else {
      launch(run, index);
    }
  }

  private void launch(Run run, int index) {
    JobExecutor.Attempt attempt = executor.start(run.job, index, run.podName);
    run.attempt = attempt;
    attempt.outcome().thenAccept(o -> loop.execute(() -> {
      if (run.attempt == attempt && !run.finished) {
        attemptEnded(run, o);
      }
    }));
  }

  private void attemptEnded(Run run, JobExecutor.Outcome outcome) {
    finishPod(run, outcome.kind() == JobExecutor.Outcome.Kind.SUCCEEDED, outcome.exitCode(), outcome.reason(),
        outcome.terminationMessage() != null ? outcome.terminationMessage() : outcome.message());
    switch (outcome.kind()) {
      case SUCCEEDED -> finish(run, true, "CompletionsReached", "Reached expected number of succeeded pods");
      case JOB_FAILED -> {
        run.failed++;
        finish(run, false, outcome.reason(), outcome.message());
      }
      case POD_FAILED -> {
        run.failed++;
        Integer limit = run.job.getSpec().getBackoffLimit();
        if (run.failed > (limit == null ? 6 : limit)) {
          finish(run, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        } else {
          run.status.setFailed(run.failed);
          writeStatus(run);
          startPod(run);
        }
      }
    }
  }

  private void deadlineExceeded(Run run) {
    if (run.finished) {
      return;
    }
    if (run.attempt != null) {
      JobExecutor.Attempt a = run.attempt;
      run.attempt = null;
      a.kill();
      run.failed++;
      finishPod(run, false, 137, "DeadlineExceeded", "killed: the Job's activeDeadlineSeconds passed");
    }
    finish(run, false, "DeadlineExceeded", "Job was active longer than specified deadline");
  }

  private void finish(Run run, boolean succeeded, String reason, String message) {
    run.finished = true;
    if (run.deadline != null) {
      run.deadline.cancel(false);
    }
    Instant now = now();
    List<JobCondition> conditions = new ArrayList<>();
    conditions.add(condition(succeeded ? "SuccessCriteriaMet" : "FailureTarget", reason, message, now));
    conditions.add(condition(succeeded ? "Complete" : "Failed", reason, message, now));
    JobStatus s = run.status;
    s.setActive(null);
    s.setReady(0);
    s.setTerminating(0);
    if (succeeded) {
      s.setSucceeded(1);
      s.setCompletionTime(now.toString());
    }
    if (run.failed > 0) {
      s.setFailed(run.failed);
    }
    s.setConditions(conditions);
    writeStatus(run);
    runs.remove(run.uid);
    finished.add(run.uid);
  }

  private void deleted(String uid) {
    finished.remove(uid);
    Run run = runs.remove(uid);
    if (run != null) {
      run.finished = true;
      if (run.deadline != null) {
        run.deadline.cancel(false);
      }
      if (run.attempt != null) {
        run.attempt.kill();
      }
      PodRef pod = run.pod;
      if (pod != null) {
        // The store's cascade ran when the Job went; a Pod this runner created after that moment is an
        // orphan, and the real garbage collector deletes orphans whose owner is gone.
        run.then(() -> pod.uid == null ? DONE
            : send(HttpMethod.DELETE, pod.path(), null, null, "delete of orphaned Pod " + pod).thenApply(r -> null));
      }
    }
  }

  // ---- API writes ------------------------------------------------------------------------------

  /**
   * One JSON patch of the status subresource: the uid test keeps a stale write off a Job that was
   * deleted and created again under the same name.
   */
  private void writeStatus(Run run) {
    String status = Serialization.asJson(run.status); // now: the loop goes on changing it
    run.then(() -> patchStatus("/apis/batch/v1/namespaces/" + run.namespace + "/jobs/" + run.name, run.uid, status,
        "Job " + run.namespace + "/" + run.name));
  }

  private CompletableFuture<Void> patchStatus(String path, String uid, String status, String what) {
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"" + uid + "\"},"
        + "{\"op\":\"add\",\"path\":\"/status\",\"value\":" + status + "}]";
    return send(HttpMethod.PATCH, path + "/status", "application/json-patch+json", patch, "status of " + what)
        .thenApply(r -> null);
  }

  /**
   * One request, handled by the store as the API server hands it a client's; a failure is logged and ends as a
   * null response, so the Job's later writes still go.
   */
  private CompletableFuture<MockResponse> send(HttpMethod method, String path, String contentType, String body,
                                               String what) {
    Headers headers = Headers.builder().add("Content-Type", contentType == null ? "application/json" : contentType)
        .build();
    RecordedRequest request = new RecordedRequest("HTTP/1.1", method, path, headers,
        new Buffer(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
    return CompletableFuture.supplyAsync(() -> store.dispatch(request), writer).orTimeout(30, TimeUnit.SECONDS)
        .handle((r, e) -> {
          if (e != null) {
            log.debug("{} failed: {}", what, e.toString());
            return null;
          }
          if (r.code() / 100 != 2) {
            log.debug("{} failed ({}): {}", what, r.code(), EmulatorStore.body(r));
          }
          return r;
        });
  }

  private void createPod(Run run) {
    Map<String, String> labels = new LinkedHashMap<>();
    var template = run.job.getSpec().getTemplate();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put("batch.kubernetes.io/job-name", run.name);
    labels.put("job-name", run.name);
    labels.put("batch.kubernetes.io/controller-uid", run.uid);
    labels.put("controller-uid", run.uid);
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(run.podName).withNamespace(run.namespace).withLabels(labels)
        .withAnnotations(template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName(run.name).withUid(run.uid).withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus().withPhase("Running").withStartTime(run.podStarted.toString()).endStatus()
        .build();
    String json = Serialization.asJson(pod);
    PodRef ref = run.pod;
    run.then(() -> send(HttpMethod.POST, "/api/v1/namespaces/" + run.namespace + "/pods", "application/json", json,
        "create of Pod " + ref).thenAccept(r -> {
          if (r != null && r.code() / 100 == 2) {
            ref.uid = EmulatorStore.read(EmulatorStore.body(r)).path("metadata").path("uid").asText();
          }
        }));
  }

  private void finishPod(Run run, boolean succeeded, int exitCode, String reason, String message) {
    PodRef pod = run.pod;
    if (pod == null) {
      return;
    }
    String container = run.job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    PodStatus status = new PodStatusBuilder().withPhase(succeeded ? "Succeeded" : "Failed")
        .withStartTime(run.podStarted.toString())
        .withContainerStatuses(new ContainerStatusBuilder().withName(container).withReady(false).withRestartCount(0)
            .withImage(run.job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage(message)
            .withStartedAt(run.podStarted.toString()).withFinishedAt(now().toString()).endTerminated().endState()
            .build())
        .build();
    String json = Serialization.asJson(status);
    run.then(() -> pod.uid == null ? DONE : patchStatus(pod.path(), pod.uid, json, "Pod " + pod));
  }

  private static JobCondition condition(String type, String reason, String message, Instant at) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
        .withLastProbeTime(at.toString()).withLastTransitionTime(at.toString()).build();
  }

  private static boolean isFinished(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return false;
    }
    return job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
        && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private static String suffix() {
    String chars = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
    }
    return s.toString();
  }

  @Override
  public void close() {
    if (following != null) {
      try {
        following.close();
      } catch (Exception e) {
        log.debug("stopping the Job runner's follower", e);
      }
    }
    try {
      loop.submit(() -> {
        runs.values().forEach(r -> {
          r.finished = true;
          if (r.attempt != null) {
            r.attempt.kill();
          }
        });
        runs.clear();
      }).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("stopping the Job runner", e);
    }
    loop.shutdownNow();
    writer.shutdown();
    executor.close();
  }
}
