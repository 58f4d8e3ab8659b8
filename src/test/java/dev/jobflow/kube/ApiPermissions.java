package dev.jobflow.kube;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every Kubernetes API call the controller (and the standalone webhook, {@link #WEBHOOK}) makes, as RBAC sees it: the one list that
 * {@code deploy/base/rbac.yaml}'s ClusterRole must grant, no more (ControllerRbacTest compares them).
 * Code that calls the API names the permission it relies on, so adding a call means adding it here,
 * and the test then says which rule the ClusterRole lacks.
 */
public final class ApiPermissions {

  /** One RBAC rule: verbs on one resource (or {@code resource/subresource}) of one API group ("" = core). */
  public record Permission(String apiGroup, String resource, Set<String> verbs) {
    public Permission {
      Objects.requireNonNull(apiGroup, "apiGroup");
      Objects.requireNonNull(resource, "resource");
      verbs = Set.copyOf(verbs);
      if (verbs.isEmpty() || verbs.contains("*") || resource.contains("*") || apiGroup.equals("*")) {
        throw new IllegalArgumentException("a permission names its group, resource and verbs; no wildcards: "
            + apiGroup + "/" + resource + " " + verbs);
      }
    }

    public boolean allows(String group, String res, String verb) {
      return apiGroup.equals(group) && resource.equals(res) && verbs.contains(verb);
    }
  }

  /**
   * The JobFlow informer (list/watch), reading one flow (get), finalizer edits (update/patch), TTL expiry and
   * schedule history limits (delete), a schedule's runs (create) and cancelling a replaced run (patch).
   */
  public static final Permission JOBFLOWS = new Permission("jobflow.dev", "jobflows",
      Set.of("get", "list", "watch", "create", "update", "patch", "delete"));

  /** A flow's templateRef is resolved when the flow is accepted: one read of the template. */
  public static final Permission JOBFLOW_TEMPLATES = new Permission("jobflow.dev", "jobflowtemplates", Set.of("get"));

  /** The CronJobFlow informer. */
  public static final Permission CRONJOBFLOWS = new Permission("jobflow.dev", "cronjobflows",
      Set.of("get", "list", "watch"));

  /** A schedule's status (merge patches). */
  public static final Permission CRONJOBFLOW_STATUS = new Permission("jobflow.dev", "cronjobflows/status",
      Set.of("patch"));

  /** A schedule's runs carry an ownerReference to it with {@code blockOwnerDeletion: true} (see JOBFLOW_FINALIZERS). */
  public static final Permission CRONJOBFLOW_FINALIZERS = new Permission("jobflow.dev", "cronjobflows/finalizers",
      Set.of("update"));

  /** The JobFlowTrigger informer. */
  public static final Permission JOBFLOW_TRIGGERS = new Permission("jobflow.dev", "jobflowtriggers",
      Set.of("get", "list", "watch"));

  /** A trigger's status (merge patches). */
  public static final Permission JOBFLOW_TRIGGER_STATUS = new Permission("jobflow.dev", "jobflowtriggers/status",
      Set.of("patch"));

  /** A trigger's flows carry an ownerReference to it with {@code blockOwnerDeletion: true}. */
  public static final Permission JOBFLOW_TRIGGER_FINALIZERS = new Permission("jobflow.dev",
      "jobflowtriggers/finalizers", Set.of("update"));

  /**
   * A trigger's bearer token, read from the Secret its {@code bearerTokenSecretRef} names: {@code get} by name only,
   * never {@code list} or {@code watch}, so the controller cannot enumerate Secrets.
   */
  public static final Permission SECRETS = new Permission("", "secrets", Set.of("get"));

  /**
   * The semaphores' sizes: an informer on the ConfigMap {@code jobflow-semaphores} of each watched namespace (a field
   * selector on its name; RBAC cannot narrow list/watch by name, so the ConfigMaps of those namespaces are readable).
   */
  public static final Permission CONFIGMAPS = new Permission("", "configmaps", Set.of("list", "watch"));

  /** The status subresource written by the StatusWriter (merge patches; update on conflict retries). */
  public static final Permission JOBFLOW_STATUS = new Permission("jobflow.dev", "jobflows/status",
      Set.of("get", "update", "patch"));

  /**
   * Jobs are created with an ownerReference to their JobFlow with {@code blockOwnerDeletion: true}; the API
   * server's OwnerReferencesPermissionEnforcement admits that only for who may update the owner's finalizers.
   */
  public static final Permission JOBFLOW_FINALIZERS = new Permission("jobflow.dev", "jobflows/finalizers",
      Set.of("update"));

  /** Step attempts: create-if-absent (create, then get on AlreadyExists), the managed-Jobs informer, terminate. */
  public static final Permission JOBS = new Permission("batch", "jobs",
      Set.of("create", "get", "list", "watch", "delete"));

  /** Kubernetes Events on JobFlows; patch bumps the count of a repeated event. */
  public static final Permission EVENTS = new Permission("", "events", Set.of("create", "patch"));

  /** The audit API ({@code /api/v1/...}) authenticates callers' bearer tokens. */
  public static final Permission TOKEN_REVIEWS = new Permission("authentication.k8s.io", "tokenreviews",
      Set.of("create"));

  /** ...and asks whether the caller may read the flow's namespace before answering. */
  public static final Permission SUBJECT_ACCESS_REVIEWS = new Permission("authorization.k8s.io",
      "subjectaccessreviews", Set.of("create"));

  /**
   * Pods, listed by their Job's labels: the engine reads a finished Job's termination messages (step outputs and exit
   * codes); the web view finds a step attempt's Pods...
   */
  public static final Permission PODS = new Permission("", "pods", Set.of("list"));

  /** ...and streams their logs, after asking whether the user may {@code get pods/log} there. */
  public static final Permission POD_LOGS = new Permission("", "pods/log", Set.of("get"));

  /** The controller's permissions, in the order of the ClusterRole's rules. */
  public static final List<Permission> CONTROLLER = List.of(
      JOBFLOWS, JOBFLOW_STATUS, JOBFLOW_FINALIZERS, JOBFLOW_TEMPLATES, CRONJOBFLOWS, CRONJOBFLOW_STATUS,
      CRONJOBFLOW_FINALIZERS, JOBFLOW_TRIGGERS, JOBFLOW_TRIGGER_STATUS, JOBFLOW_TRIGGER_FINALIZERS, SECRETS, CONFIGMAPS, JOBS,
      EVENTS, TOKEN_REVIEWS, SUBJECT_ACCESS_REVIEWS, PODS, POD_LOGS);

  /** The standalone admission webhook's: it reads the templates that flows and schedules name, nothing else. */
  public static final List<Permission> WEBHOOK = List.of(JOBFLOW_TEMPLATES);

  private ApiPermissions() {
  }

  /** Whether the controller's permissions allow {@code verb} on {@code resource} (with subresource) of {@code apiGroup}. */
  public static boolean allows(String apiGroup, String resource, String verb) {
    return CONTROLLER.stream().anyMatch(p -> p.allows(apiGroup, resource, verb));
  }

  /** Whether the controller's permissions allow this HTTP request to the API server. */
  public static boolean allows(ApiCall call) {
    return allows(call.apiGroup(), call.resource(), call.verb());
  }
}
