package dev.jobflow.admission;

import dev.jobflow.metrics.JobflowMetrics;
import java.time.Duration;

/** Admission outcomes as Prometheus metrics: requests by webhook, operation and verdict, and latency. */
public final class AdmissionMetrics implements AdmissionObserver {
  private final JobflowMetrics metrics;

  public AdmissionMetrics(JobflowMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void reviewed(Endpoint endpoint, String operation, Verdict verdict, long latencyNanos) {
    metrics.admissionReviewed(
        endpoint == Endpoint.VALIDATE ? JobflowMetrics.Webhook.VALIDATE : JobflowMetrics.Webhook.MUTATE,
        operation, verdict(verdict), Duration.ofNanos(latencyNanos));
  }

  private static JobflowMetrics.Verdict verdict(Verdict verdict) {
    return switch (verdict) {
      case ALLOWED, PATCHED -> JobflowMetrics.Verdict.ALLOWED;
      case DENIED -> JobflowMetrics.Verdict.DENIED;
      case BAD_REQUEST, TOO_LARGE, TIMED_OUT -> JobflowMetrics.Verdict.ERROR;
    };
  }
}
