package dev.jobflow.http;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Who may read the controller's API: the caller's bearer token is checked with a {@code TokenReview}, then a
 * {@code SubjectAccessReview} asks whether that user may {@code get} {@code jobflows.jobflow.dev} in the
 * namespace (cluster-wide for cross-namespace reads) — the same answer {@code kubectl get jf} would get, so
 * RBAC stays the one place permissions live. The web view asks the same way for other verbs ({@code patch jobflows}
 * for its actions, {@code get pods/log} for logs). The controller's service account needs {@code create} on
 * {@code tokenreviews} and {@code subjectaccessreviews} for this. Switched off only by dev mode.
 */
public final class ApiAuthorizer {
  public static final String GROUP = "jobflow.dev";
  public static final String RESOURCE = "jobflows";

  public enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

  /** @param user who asked, null when unknown; {@code message} says why not, for the response */
  public record Verdict(Outcome outcome, String user, String message) {}

  private final KubernetesClient client;
  private final Executor io;
  private final boolean enabled;

  private ApiAuthorizer(KubernetesClient client, Executor io, boolean enabled) {
    this.client = client;
    this.io = io;
    this.enabled = enabled;
  }

  /** Checks every request against the API server ({@code io} runs the blocking review calls). */
  public static ApiAuthorizer kubernetes(KubernetesClient client, Executor io) {
    return new ApiAuthorizer(client, io, true);
  }

  /** Lets everyone in: dev mode only ({@code jobflow dev}, a single-user machine). */
  public static ApiAuthorizer disabled() {
    return new ApiAuthorizer(null, null, false);
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * @param authorization the request's {@code Authorization} header, null when absent
   * @param namespace the namespace read; null for a read across all namespaces
   */
  public CompletionStage<Verdict> check(String authorization, String namespace) {
    return check(authorization, Access.jobflows("get", namespace));
  }

  /**
   * What a request wants to do, as a {@code SubjectAccessReview}'s resource attributes.
   *
   * @param group the API group, {@code ""} for the core group
   * @param subresource e.g. {@code log} for {@code pods/log}; null for none
   * @param namespace null for cluster-wide (all namespaces)
   */
  public record Access(String verb, String group, String resource, String subresource, String namespace) {
    public static Access jobflows(String verb, String namespace) {
      return new Access(verb, GROUP, RESOURCE, null, namespace);
    }

    String describe() {
      String where = namespace == null ? "across all namespaces" : "in namespace " + namespace;
      return verb + " resource \"" + resource + (subresource == null ? "" : "/" + subresource) + "\" in API group \""
          + group + "\" " + where;
    }
  }

  /** Whether the bearer token's user may do {@code access} (TokenReview, then SubjectAccessReview). */
  public CompletionStage<Verdict> check(String authorization, Access access) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new Verdict(Outcome.ALLOWED, null, "authorization is off (dev mode)"));
    }
    String token = bearer(authorization);
    if (token == null) {
      return CompletableFuture.completedFuture(new Verdict(Outcome.UNAUTHENTICATED, null,
          "an Authorization: Bearer <token> header is required"));
    }
    return CompletableFuture.supplyAsync(() -> review(token, access), io);
  }

  private Verdict review(String token, Access access) {
    TokenReview tr = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
        .withNewSpec().withToken(token).endSpec().build());
    if (tr.getStatus() == null || !Boolean.TRUE.equals(tr.getStatus().getAuthenticated())) {
      String why = tr.getStatus() == null || tr.getStatus().getError() == null ? "" : ": " + tr.getStatus().getError();
      return new Verdict(Outcome.UNAUTHENTICATED, null, "the bearer token was not accepted" + why);
    }
    UserInfo user = tr.getStatus().getUser();
    SubjectAccessReview sar = client.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(user.getUsername())
        .withUid(user.getUid())
        .withGroups(user.getGroups() == null ? List.of() : user.getGroups())
        .withExtra(user.getExtra() == null ? Map.of() : user.getExtra())
        .withNewResourceAttributes()
        .withVerb(access.verb()).withGroup(access.group()).withResource(access.resource())
        .withSubresource(access.subresource()).withNamespace(access.namespace() == null ? "" : access.namespace())
        .endResourceAttributes()
        .endSpec().build());
    boolean allowed = sar.getStatus() != null && Boolean.TRUE.equals(sar.getStatus().getAllowed());
    if (allowed) {
      return new Verdict(Outcome.ALLOWED, user.getUsername(), null);
    }
    return new Verdict(Outcome.FORBIDDEN, user.getUsername(), "user \"" + user.getUsername() + "\" cannot "
        + access.describe());
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  public static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = h.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }
}
