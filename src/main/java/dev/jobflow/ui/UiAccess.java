package dev.jobflow.ui;

import dev.jobflow.http.ApiAuthorizer;
import dev.jobflow.http.ApiAuthorizer.Access;
import dev.jobflow.http.ApiAuthorizer.Outcome;
import dev.jobflow.http.ApiAuthorizer.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audit API's authorization ({@link ApiAuthorizer}: TokenReview, then SubjectAccessReview) with answers
 * remembered for a short while: a page asks about many namespaces, and a review per namespace per request would
 * load the API server. A revoked permission takes effect within {@code ttl}.
 */
final class UiAccess {
  private static final int MAX_ENTRIES = 10_000;

  /** What a caller may read: every namespace, or these. */
  record Visible(String user, boolean everywhere, Set<String> namespaces) {
    boolean includes(String namespace) {
      return everywhere || namespaces.contains(namespace);
    }
  }

  private record Key(String authorization, Access access) {}

  private record Cached(CompletionStage<Verdict> verdict, Instant until) {}

  private final ApiAuthorizer authorizer;
  private final Clock clock;
  private final Duration ttl;
  private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

  UiAccess(ApiAuthorizer authorizer, Clock clock, Duration ttl) {
    this.authorizer = authorizer;
    this.clock = clock;
    this.ttl = ttl;
  }

  boolean enabled() {
    return authorizer.enabled();
  }

  CompletionStage<Verdict> check(String authorization, Access access) {
    if (!authorizer.enabled()) {
      return authorizer.check(authorization, access);
    }
    Instant now = clock.instant();
    Key key = new Key(authorization == null ? "" : authorization, access);
    Cached hit = cache.get(key);
    if (hit != null && hit.until().isAfter(now)) {
      return hit.verdict();
    }
    if (cache.size() > MAX_ENTRIES) {
      cache.clear();
    }
    CompletionStage<Verdict> verdict = authorizer.check(authorization, access);
    // Failures (API server unreachable) are not remembered: the next request asks again.
    cache.put(key, new Cached(verdict, now.plus(ttl)));
    verdict.whenComplete((v, e) -> {
      if (e != null) {
        cache.remove(key);
      }
    });
    return verdict;
  }

  /**
   * The namespaces among {@code candidates} the caller may {@code get jobflows} in. The verdict is
   * UNAUTHENTICATED when the token is not accepted, FORBIDDEN when no namespace is visible.
   */
  CompletionStage<Pair> visible(String authorization, Collection<String> candidates) {
    return check(authorization, Access.jobflows("get", null)).thenCompose(all -> {
      if (all.outcome() == Outcome.ALLOWED) {
        return CompletableFuture.completedFuture(new Pair(all, new Visible(all.user(), true, Set.of())));
      }
      if (all.outcome() == Outcome.UNAUTHENTICATED) {
        return CompletableFuture.completedFuture(new Pair(all, null));
      }
      List<CompletableFuture<Verdict>> each = new ArrayList<>();
      List<String> names = new ArrayList<>(new TreeSet<>(candidates));
      for (String ns : names) {
        each.add(check(authorization, Access.jobflows("get", ns)).toCompletableFuture());
      }
      return CompletableFuture.allOf(each.toArray(new CompletableFuture[0])).thenApply(v -> {
        Set<String> allowed = new TreeSet<>();
        for (int i = 0; i < names.size(); i++) {
          if (each.get(i).join().outcome() == Outcome.ALLOWED) {
            allowed.add(names.get(i));
          }
        }
        Verdict verdict = allowed.isEmpty()
            // Names no namespace: those the user may not read are none of their business.
            ? new Verdict(Outcome.FORBIDDEN, all.user(), "user \"" + all.user() + "\" may get jobflows in no namespace"
                + " that has flows")
            : new Verdict(Outcome.ALLOWED, all.user(), null);
        return new Pair(verdict, new Visible(all.user(), false, allowed));
      });
    });
  }

  /** A verdict, and what is visible when it allows. */
  record Pair(Verdict verdict, Visible visible) {}
}
