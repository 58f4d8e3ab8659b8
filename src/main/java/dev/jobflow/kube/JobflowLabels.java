package dev.jobflow.kube;

/** The labels, annotations and finalizer by which Jobflow marks and finds what it manages. */
public final class JobflowLabels {
  public static final String PREFIX = "jobflow.dev/";
  public static final String MANAGED_BY = PREFIX + "managed-by";
  public static final String MANAGED_BY_VALUE = "jobflow";
  public static final String FLOW = PREFIX + "flow";
  public static final String FLOW_UID = PREFIX + "flow-uid";
  public static final String STEP = PREFIX + "step";
  public static final String ATTEMPT = PREFIX + "attempt";
  /** Keeps a JobFlow until its entity has journaled FlowDeleted. */
  public static final String FINALIZER = PREFIX + "journal";

  private JobflowLabels() {}
}
