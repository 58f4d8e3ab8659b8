package dev.jobflow.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what callers know (a failure reason, an HTTP code, a namespace) into label values from a bounded set, so a
 * burst of unusual input can never create unbounded time series. Never a flow name or uid.
 */
public final class LabelValues {
  /** The value of any label whose input is not in the known set. */
  public static final String OTHER = "Other";
  /** The namespace label of flows in namespaces beyond {@code jobflow.metrics.max-namespaces}. */
  public static final String OTHER_NAMESPACE = "_other";

  /**
   * Failure reasons kept as they are: the Job failure conditions Kubernetes sets, and the attempt failure reasons of
   * the engine ({@code dev.jobflow.dag.Reasons}; {@code JobFailed} when a failed Job gives no reason). Matching
   * ignores case; anything else is {@link #OTHER}.
   */
  public static final Set<String> FAILURE_REASONS = Set.of(
      "BackoffLimitExceeded", "DeadlineExceeded", "PodFailurePolicy", "FailedIndexes", "MaxFailedIndexesExceeded",
      "JobFailed", "StepTimedOut", "FlowTimedOut", "JobDeleted", "JobConflict", "Terminated");

  public static final Set<String> ADMISSION_OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  public static final Set<String> KUBE_VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete");
  public static final Set<String> KUBE_RESOURCES = Set.of("jobflows", "jobflows/status", "jobs", "events", "leases",
      "pods", "tokenreviews", "subjectaccessreviews", "customresourcedefinitions", "jobflowtemplates", "cronjobflows",
      "jobflowtriggers", "jobflowtriggers/status", "secrets",
      "cronjobflows/status", "configmaps");
  public static final Set<String> INFORMER_RESOURCES = Set.of("jobflows", "jobs", "cronjobflows", "jobflowtriggers",
      "configmaps");
  public static final Set<String> TRIGGER_REJECT_REASONS = Set.of("UnknownTrigger", "Unauthenticated", "Forbidden",
      "TooLarge", "BadPayload", "InvalidTrigger", "RateLimited", "FlowRefused", "Unavailable", "Timeout", "Error");
  public static final Set<String> TRIGGER_FILTERS = Set.of("status", "labels", "labelsMatch", "expression");
  public static final Set<String> SCHEDULE_SKIP_REASONS = Set.of("ConcurrencyForbidden", "MissedStartingDeadline",
      "FlowRefused");

  private static final Map<String, String> FAILURE_REASONS_BY_LOWER_CASE = lowerCaseIndex(FAILURE_REASONS);

  private final int maxNamespaces;
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();

  /** @param maxNamespaces how many distinct namespaces get their own label value before the rest share one */
  public LabelValues(int maxNamespaces) {
    if (maxNamespaces < 1) {
      throw new IllegalArgumentException("jobflow.metrics.max-namespaces must be at least 1, got " + maxNamespaces);
    }
    this.maxNamespaces = maxNamespaces;
  }

  /**
   * A namespace as a label value. Namespaces are bounded by the cluster, and this caps them anyway: once
   * {@code maxNamespaces} distinct ones have been seen, new ones are reported as {@link #OTHER_NAMESPACE}.
   */
  public String namespace(String namespace) {
    if (namespace == null || namespace.isBlank()) {
      return OTHER_NAMESPACE;
    }
    if (namespaces.contains(namespace)) {
      return namespace;
    }
    synchronized (namespaces) {
      if (namespaces.size() < maxNamespaces) {
        namespaces.add(namespace);
        return namespace;
      }
    }
    return namespaces.contains(namespace) ? namespace : OTHER_NAMESPACE;
  }

  public static String failureReason(String reason) {
    if (reason == null) {
      return OTHER;
    }
    return FAILURE_REASONS_BY_LOWER_CASE.getOrDefault(reason.trim().toLowerCase(Locale.ROOT), OTHER);
  }

  public static String scheduleSkipReason(String reason) {
    return reason != null && SCHEDULE_SKIP_REASONS.contains(reason) ? reason : OTHER;
  }

  public static String admissionOperation(String operation) {
    String upper = operation == null ? "" : operation.trim().toUpperCase(Locale.ROOT);
    return ADMISSION_OPERATIONS.contains(upper) ? upper : OTHER;
  }

  public static String kubeVerb(String verb) {
    return lowerCaseIn(KUBE_VERBS, verb);
  }

  public static String kubeResource(String resource) {
    return lowerCaseIn(KUBE_RESOURCES, resource);
  }

  public static String informerResource(String resource) {
    return lowerCaseIn(INFORMER_RESOURCES, resource);
  }

  /** The value in lower case when it is one of {@code known}, else {@link #OTHER}. */
  private static String lowerCaseIn(Set<String> known, String value) {
    String lower = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return known.contains(lower) ? lower : OTHER;
  }

  /**
   * An HTTP status as a label value: client and server error codes as their number, anything else {@link #OTHER}.
   * A request that got no response at all is {@code connection}.
   */
  public static String httpCode(int code) {
    if (code <= 0) {
      return "connection";
    }
    return code >= 400 && code <= 599 ? Integer.toString(code) : OTHER;
  }

  private static Map<String, String> lowerCaseIndex(Set<String> values) {
    Map<String, String> index = new TreeMap<>();
    for (String value : values) {
      index.put(value.toLowerCase(Locale.ROOT), value);
    }
    return Map.copyOf(index);
  }
}
