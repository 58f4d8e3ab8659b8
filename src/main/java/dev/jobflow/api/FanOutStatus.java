package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How the instances of one fan-out step stand: a few counters, whatever the number of instances, so the status of a
 * 100,000-instance step costs the same as that of a 10-instance one.
 */
@JsonPropertyOrder({"total", "pending", "running", "retrying", "succeeded", "failed", "skipped", "cancelled"})
public class FanOutStatus {
  @JsonPropertyDescription("Instances of the step: the length of its list.")
  private int total;
  @JsonPropertyDescription("Instances not started yet (waiting for a slot, or for their condition).")
  private int pending;
  private int running;
  @JsonPropertyDescription("Instances that failed an attempt and wait for their next one.")
  private int retrying;
  private int succeeded;
  private int failed;
  @JsonPropertyDescription("Instances never run: their when was false, or the flow stopped starting steps (FailFast).")
  private int skipped;
  private int cancelled;

  public FanOutStatus() {}

  public FanOutStatus(int total, int pending, int running, int retrying, int succeeded, int failed, int skipped,
                      int cancelled) {
    this.total = total;
    this.pending = pending;
    this.running = running;
    this.retrying = retrying;
    this.succeeded = succeeded;
    this.failed = failed;
    this.skipped = skipped;
    this.cancelled = cancelled;
  }

  public int getTotal() { return total; }
  public void setTotal(int total) { this.total = total; }
  public int getPending() { return pending; }
  public void setPending(int pending) { this.pending = pending; }
  public int getRunning() { return running; }
  public void setRunning(int running) { this.running = running; }
  public int getRetrying() { return retrying; }
  public void setRetrying(int retrying) { this.retrying = retrying; }
  public int getSucceeded() { return succeeded; }
  public void setSucceeded(int succeeded) { this.succeeded = succeeded; }
  public int getFailed() { return failed; }
  public void setFailed(int failed) { this.failed = failed; }
  public int getSkipped() { return skipped; }
  public void setSkipped(int skipped) { this.skipped = skipped; }
  public int getCancelled() { return cancelled; }
  public void setCancelled(int cancelled) { this.cancelled = cancelled; }

  @Override
  public String toString() {
    return total + " instances: " + pending + " pending, " + running + " running, " + retrying + " retrying, "
        + succeeded + " succeeded, " + failed + " failed, " + skipped + " skipped, " + cancelled + " cancelled";
  }
}
