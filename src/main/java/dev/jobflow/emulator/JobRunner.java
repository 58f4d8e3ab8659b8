package dev.jobflow.emulator;

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
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's Job controller and kubelet in one: it watches Jobs through the API like the real
 * ones do, runs each attempt with a {@link JobExecutor}, and writes the status a Kubernetes 1.31+
 * cluster would: {@code startTime} and {@code active: 1}, then {@code SuccessCriteriaMet} +
 * {@code Complete} (with {@code succeeded} and {@code completionTime}) or {@code FailureTarget} +
 * {@code Failed} with reason {@code BackoffLimitExceeded} or {@code DeadlineExceeded} (with
 * {@code failed}). A failed Pod is retried up to {@code backoffLimit} times, at once;
 * {@code activeDeadlineSeconds} kills the running attempt; deleting a Job kills it too.
 * All state changes happen on one thread, so a Job's story is never interleaved.
 */
final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final KubernetesClient client;
  private final HttpClient http;
  private final String base;
  private final JobExecutor executor;
  private final boolean createPods;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "emulator-jobs");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Run> runs = new HashMap<>();
  private SharedIndexInformer<Job> informer;

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
    String podUid;
    boolean podCreated;
    Instant podStarted;
    ScheduledFuture<?> deadline;
    boolean finished;
    /** The status this runner owns and writes whole: only it writes a Job's status. */
    final JobStatus status = new JobStatus();

    Run(Job job) {
      this.job = job;
      this.uid = job.getMetadata().getUid();
      this.namespace = job.getMetadata().getNamespace();
      this.name = job.getMetadata().getName();
    }
  }

  JobRunner(KubernetesClient client, JobExecutor executor, boolean createPods) {
    this.client = client;
    this.http = client.getHttpClient();
    this.base = client.getMasterUrl().toString().replaceFirst("/$", "");
    this.executor = executor;
    this.createPods = createPods;
  }

  void start() {
    informer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        loop.execute(() -> seen(job));
      }

      @Override
      public void onUpdate(Job oldJob, Job job) {
        loop.execute(() -> seen(job));
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        loop.execute(() -> deleted(job));
      }
    });
  }

  private void seen(Job job) {
    String uid = job.getMetadata().getUid();
    Run run = runs.get(uid);
    if (run != null) {
      run.job = job;
      return;
    }
    if (isFinished(job) || job.getMetadata().getDeletionTimestamp() != null
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
    if (createPods || SimulateExecutor.outputs(run.job) != null) {
      // A Job that writes outputs gets its Pod even without Pods: the controller reads them there.
      run.podCreated = true;
      createPod(run);
    }
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
  }

  private void deleted(Job job) {
    Run run = runs.remove(job.getMetadata().getUid());
    if (run != null) {
      run.finished = true;
      if (run.deadline != null) {
        run.deadline.cancel(false);
      }
      if (run.attempt != null) {
        run.attempt.kill();
      }
      if (run.podUid != null) {
        // The store's cascade ran when the Job went; a Pod this loop created after that moment is an
        // orphan, and the real garbage collector deletes orphans whose owner is gone.
        deleteOrphan(run);
      }
    }
  }

  private void deleteOrphan(Run run) {
    try {
      client.pods().inNamespace(run.namespace).withName(run.podName).delete();
    } catch (KubernetesClientException e) {
      log.debug("cannot delete orphaned Pod {}/{}: {}", run.namespace, run.podName, e.getMessage());
    }
  }

  // ---- API writes ------------------------------------------------------------------------------

  /**
   * One JSON patch of the status subresource: the uid test keeps a stale write off a Job that was
   * deleted and created again under the same name.
   */
  private void writeStatus(Run run) {
    patchStatus("/apis/batch/v1/namespaces/" + run.namespace + "/jobs/" + run.name, run.uid, run.status,
        "Job " + run.namespace + "/" + run.name);
  }

  private void patchStatus(String path, String uid, Object status, String what) {
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"" + uid + "\"},"
        + "{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(status) + "}]";
    try {
      HttpResponse<String> r = http.sendAsync(http.newHttpRequestBuilder().uri(base + path + "/status")
          .method("PATCH", "application/json-patch+json", patch).build(), String.class).get(30, TimeUnit.SECONDS);
      if (!r.isSuccessful()) {
        log.debug("status of {} not written ({}): {}", what, r.code(), r.body());
      }
    } catch (Exception e) {
      log.debug("status of {} not written: {}", what, e.toString());
    }
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
    try {
      run.podUid = client.pods().inNamespace(run.namespace).resource(pod).create().getMetadata().getUid();
    } catch (KubernetesClientException e) {
      run.podUid = null;
      log.debug("cannot create Pod {}/{}: {}", run.namespace, run.podName, e.getMessage());
    }
  }

  private void finishPod(Run run, boolean succeeded, int exitCode, String reason, String message) {
    if (!run.podCreated) {
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
    if (run.podUid != null) {
      patchStatus("/api/v1/namespaces/" + run.namespace + "/pods/" + run.podName, run.podUid, status,
          "Pod " + run.namespace + "/" + run.podName);
    }
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
    if (informer != null) {
      informer.close();
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
    executor.close();
  }
}
