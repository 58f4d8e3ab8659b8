package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The emulator's stand-in for the API server's authenticator and authorizer: answers {@code TokenReview} and
 * {@code SubjectAccessReview} creations with a computed status (fabric8's CRUD store would only echo them back).
 * Tokens and permissions come from the test or tool that runs the emulator; nothing else is known:
 * an unknown token is not authenticated, a request no rule allows is denied. The kubeconfig's token
 * ({@link #ADMIN_TOKEN}) is the user {@code emulator-admin} in {@code system:masters}, allowed everything,
 * as a cluster's admin would be.
 */
public final class AccessReviews {
  public static final String ADMIN_TOKEN = "emulator";
  private static final String MASTERS = "system:masters";
  static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  /** Who a request comes from, as the API server's authenticator (and impersonation) says. */
  record Identity(String user, List<String> groups) {
    static final String USER_HEADER = "X-Emulator-User";
    static final String GROUPS_HEADER = "X-Emulator-Groups";
  }

  /** What requests without a bearer token are: the emulator's own client and tools (as before there was identity). */
  private static final Identity NO_TOKEN = new Identity("emulator-admin", List.of(MASTERS));
  private static final Identity ANONYMOUS = new Identity("system:anonymous", List.of("system:unauthenticated"));

  private record Rule(String user, String verb, String group, String resource, String namespace) {
    boolean allows(String u, List<String> groups, String v, String g, String r, String ns) {
      return (user.equals(u) || groups.contains(user)) && (verb.equals("*") || verb.equals(v))
          && group.equals(g) && (resource.equals("*") || resource.equals(r))
          && (namespace == null || namespace.equals(ns));
    }
  }

  private final Map<String, Identity> tokens = new ConcurrentHashMap<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  AccessReviews() {
    tokens.put(ADMIN_TOKEN, new Identity("emulator-admin", List.of(MASTERS)));
  }

  /** A bearer token that authenticates as {@code user} with these groups. */
  public AccessReviews addToken(String token, String user, String... groups) {
    tokens.put(token, new Identity(user, List.of(groups)));
    return this;
  }

  /**
   * Lets a user (or a group) {@code verb} ({@code *} for all) {@code resource} (a subresource as RBAC writes it:
   * {@code pods/log}) of API group {@code group} in
   * {@code namespace}; a null namespace allows it in every namespace and cluster-wide.
   */
  public AccessReviews allow(String userOrGroup, String verb, String group, String resource, String namespace) {
    rules.add(new Rule(userOrGroup, verb, group, resource, namespace));
    return this;
  }

  /**
   * Who sent a request: the user of its bearer token (no token: the emulator's admin; an unknown one: anonymous), or
   * whom it impersonates ({@code Impersonate-User}, {@code Impersonate-Group}, as {@code kubectl --as --as-group} sends
   * them), which only {@code system:masters} may do.
   *
   * @throws SecurityException when a requester outside system:masters impersonates
   */
  Identity identify(String authorization, String impersonateUser, List<String> impersonateGroups) {
    Identity id = NO_TOKEN;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      id = tokens.getOrDefault(authorization.substring(7).trim(), ANONYMOUS);
    }
    if (impersonateUser == null || impersonateUser.isEmpty()) {
      return id;
    }
    if (!id.groups().contains(MASTERS)) {
      throw new SecurityException("users \"" + id.user() + "\" cannot impersonate user \"" + impersonateUser + "\"");
    }
    List<String> groups = new java.util.ArrayList<>(impersonateGroups == null ? List.of() : impersonateGroups);
    if (!groups.contains("system:authenticated")) {
      groups.add("system:authenticated"); // as the API server adds it to every authenticated user
    }
    return new Identity(impersonateUser, List.copyOf(groups));
  }

  /** The answer to a POST of a review; empty for any other request. */
  Optional<MockResponse> answer(String path, byte[] body) {
    if (!path.equals(TOKEN_REVIEWS) && !path.equals(ACCESS_REVIEWS)) {
      return Optional.empty();
    }
    JsonNode review;
    try {
      review = EmulatorStore.read(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.of(ApiStatus.failure(400, "BadRequest", "the review is not JSON: " + e.getMessage()));
    }
    ObjectNode answer = ((ObjectNode) review).deepCopy();
    ObjectNode status = answer.putObject("status");
    if (path.equals(TOKEN_REVIEWS)) {
      Identity id = tokens.get(review.path("spec").path("token").asText(""));
      status.put("authenticated", id != null);
      if (id == null) {
        status.put("error", "invalid bearer token");
      } else {
        ObjectNode user = status.putObject("user").put("username", id.user()).put("uid", "uid-" + id.user());
        id.groups().forEach(user.withArray("groups")::add);
      }
    } else {
      JsonNode spec = review.path("spec");
      String user = spec.path("user").asText("");
      List<String> groups = new java.util.ArrayList<>();
      spec.path("groups").forEach(g -> groups.add(g.asText()));
      JsonNode attrs = spec.path("resourceAttributes");
      String ns = attrs.path("namespace").asText("");
      // As RBAC writes it: a subresource is its own resource, "pods/log".
      String sub = attrs.path("subresource").asText("");
      String resource = attrs.path("resource").asText("") + (sub.isEmpty() ? "" : "/" + sub);
      boolean allowed = groups.contains(MASTERS) || rules.stream().anyMatch(r -> r.allows(user, groups,
          attrs.path("verb").asText(""), attrs.path("group").asText(""), resource, ns.isEmpty() ? null : ns));
      status.put("allowed", allowed);
      status.put("reason", allowed ? "allowed by the emulator's rules" : "no rule of the emulator allows it");
    }
    return Optional.of(new MockResponse().setResponseCode(201).setBody(EmulatorStore.write(answer)));
  }
}
