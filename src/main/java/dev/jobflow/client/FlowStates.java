package dev.jobflow.client;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;

/** Reading a JobFlow's state as a client sees it, before and after the controller has written status. */
public final class FlowStates {
  private FlowStates() {}

  /** The flow's phase; {@code Pending} until the controller has written one. */
  public static FlowPhase phase(JobFlow flow) {
    return flow.getStatus() == null || flow.getStatus().getPhase() == null
        ? FlowPhase.Pending : flow.getStatus().getPhase();
  }

  /** {@code namespace/name}, as every message names a flow. */
  public static String ref(JobFlow flow) {
    return flow.getMetadata().getNamespace() + "/" + flow.getMetadata().getName();
  }
}
