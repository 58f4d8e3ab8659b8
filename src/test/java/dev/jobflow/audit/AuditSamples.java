package dev.jobflow.audit;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowEvent.EventMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One event of every type, with every field set, as a controller would write them (unlinked). */
final class AuditSamples {
  static final Instant T = Instant.parse("2026-11-23T08:00:00.123456789Z");
  static final String UID = "6f1c2b9e-0d7a-4c38-9d55-2f0a8c1e7b42";
  static final String PID = "JobFlow|" + UID;

  private AuditSamples() {}

  static EventMeta meta(int second) {
    return new EventMeta(T.plusSeconds(second), "jobflow-controller-7d9f/1", null);
  }

  static FlowDefinition definition() throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: nightly-etl, namespace: data, uid: %s, generation: 1}
        spec:
          parallelism: 2
          timeout: 2h
          parameters: [{name: date, value: "2026-11-23"}]
          steps:
            - name: extract
              retries: {limit: 3, backoff: {duration: 10s, factor: 2, maxDuration: 5m}}
              template:
                backoffLimit: 6
                template:
                  spec:
                    restartPolicy: Never
                    containers: [{name: main, image: busybox, command: [sh, -c, "echo {{params.date}}"],
                                  resources: {limits: {cpu: 500m, memory: 64Mi}}}]
          finally:
            - name: notify
              template: {template: {spec: {restartPolicy: Never, containers: [{name: n, image: busybox}]}}}
        """.formatted(UID));
    return FlowDefinition.from(flow);
  }

  static List<FlowEvent> everyType() throws Exception {
    String job = "nightly-etl-extract-1";
    String jobUid = "0b6e2d4a-5c1f-4e8b-a9d3-7f2c6e1b8a90";
    return List.of(
        new FlowEvent.FlowAccepted(meta(0), definition()),
        new FlowEvent.StepAttemptStarted(meta(1), "extract", 1, job),
        new FlowEvent.StepJobCreated(meta(2), "extract", 1, job, jobUid, false),
        new FlowEvent.StepRetryScheduled(meta(3), "extract", 1, job, jobUid, "BackoffLimitExceeded", "Job failed",
            2, T.plus(Duration.ofSeconds(13))),
        new FlowEvent.FlowSuspended(meta(4), 2),
        new FlowEvent.FlowResumed(meta(5), 3),
        new FlowEvent.FlowParallelismChanged(meta(6), 4, 8),
        new FlowEvent.FlowGenerationObserved(meta(7), 5, "ignored changes to spec.steps"),
        new FlowEvent.StepSucceeded(meta(8), "extract", 2, "nightly-etl-extract-2", jobUid, "Completed", "Job completed"),
        new FlowEvent.StepFailed(meta(9), "extract", 2, "nightly-etl-extract-2", jobUid, "DeadlineExceeded", "late"),
        new FlowEvent.StepSkipped(meta(10), "load", "UpstreamFailed", "extract failed"),
        new FlowEvent.StepCancelled(meta(11), "notify", 1, "nightly-etl-notify-1", null, "Terminated", "stop"),
        new FlowEvent.FlowShutdownRequested(meta(12), 6, ShutdownPolicy.Stop),
        new FlowEvent.FlowTimedOut(meta(13), T.plus(Duration.ofHours(2))),
        new FlowEvent.FlowFailed(meta(14), "StepFailed", "step 'extract' failed"),
        new FlowEvent.FlowCancelled(meta(15), "FlowDeleted", "the JobFlow was deleted"),
        new FlowEvent.FlowSucceeded(meta(16), "Succeeded", "all steps succeeded"),
        new FlowEvent.FlowDeleted(meta(17)));
  }
}
