package dev.jobflow.ui;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import dev.jobflow.http.AuditRoutes;
import dev.jobflow.kube.JobflowLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A step attempt's log, read through the API server ({@code pods/log}) from the newest Pod of its Job and
 * passed on as it arrives: a running Pod's log is followed until the Pod ends.
 */
final class PodLogs {
  static final int TAIL_LINES = 5000;

  private final KubernetesClient client;
  private final Executor io;

  PodLogs(KubernetesClient client, Executor io) {
    this.client = client;
    this.io = io;
  }

  /** The log of Job {@code job}, which must belong to flow {@code namespace/flow}. */
  CompletionStage<HttpResponse> stream(String namespace, String flow, String job) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return respond(namespace, flow, job);
      } catch (KubernetesClientException e) {
        String why = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return AuditRoutes.error(StatusCodes.BAD_GATEWAY, "cannot read the log of Job " + job + ": " + why);
      }
    }, io);
  }

  private HttpResponse respond(String namespace, String flow, String job) {
    Job j = client.batch().v1().jobs().inNamespace(namespace).withName(job).get();
    if (j == null || !flow.equals(j.getMetadata().getLabels() == null ? null
        : j.getMetadata().getLabels().get(JobflowLabels.FLOW))) {
      return AuditRoutes.error(StatusCodes.NOT_FOUND, "flow " + namespace + "/" + flow + " has no Job " + job
          + " (it may have been deleted with its flow, or not created yet)");
    }
    List<Pod> pods = client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
    Pod newest = pods.stream()
        .max(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? ""
            : p.getMetadata().getCreationTimestamp()).thenComparing(p -> p.getMetadata().getName()))
        .orElse(null);
    if (newest == null) {
      return AuditRoutes.error(StatusCodes.NOT_FOUND, "Job " + job + " has no Pod yet");
    }
    String pod = newest.getMetadata().getName();
    // No wait for the Pod to be ready: fabric8 would watch pods for it, which the controller may not.
    var resource = client.pods().inNamespace(namespace).withName(pod);
    boolean running = newest.getStatus() != null
        && ("Running".equals(newest.getStatus().getPhase()) || "Pending".equals(newest.getStatus().getPhase()));
    Source<ByteString, ?> body;
    if (running) {
      LogWatch watch = resource.tailingLines(TAIL_LINES).withReadyWaitTimeout(0).watchLog();
      body = StreamConverters.fromInputStream(watch::getOutput)
          .watchTermination((mat, done) -> {
            done.whenComplete((d, e) -> watch.close());
            return mat;
          });
    } else {
      body = Source.single(ByteString.fromString(resource.tailingLines(TAIL_LINES).withReadyWaitTimeout(0).getLog()));
    }
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, body))
        .addHeader(akka.http.javadsl.model.headers.RawHeader.create("X-Jobflow-Pod", pod))
        .addHeader(akka.http.javadsl.model.headers.RawHeader.create("Cache-Control", "no-cache"));
  }
}
