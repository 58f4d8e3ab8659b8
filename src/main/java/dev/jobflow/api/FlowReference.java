package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A JobFlow a {@link CronJobFlow} started, by name and uid. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowReference {
  private String name;
  private String uid;
  private String scheduledTime;

  public FlowReference() {}

  public FlowReference(String name, String uid, String scheduledTime) {
    this.name = name;
    this.uid = uid;
    this.scheduledTime = scheduledTime;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getUid() { return uid; }
  public void setUid(String uid) { this.uid = uid; }
  public String getScheduledTime() { return scheduledTime; }
  public void setScheduledTime(String scheduledTime) { this.scheduledTime = scheduledTime; }
}
