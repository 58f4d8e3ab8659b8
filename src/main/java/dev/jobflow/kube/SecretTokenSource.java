package dev.jobflow.kube;

import dev.jobflow.trigger.TokenSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Trigger tokens read from Secrets by name ({@code get} on the named Secret only: the controller's RBAC grants no
 * {@code list} or {@code watch} on Secrets), kept for {@code ttl} so that a burst of requests is one API call and a
 * rotated token is used within {@code ttl}. The token bytes never leave this class but to be compared.
 */
public final class SecretTokenSource implements TokenSource {
  private final KubernetesClient client;
  private final Executor io;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<byte[]> token, Instant readAt) {}

  public SecretTokenSource(KubernetesClient client, Executor io, Clock clock, Duration ttl) {
    this.client = client;
    this.io = io;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public CompletionStage<Optional<byte[]>> token(String namespace, String secretName, String key) {
    String id = namespace + "/" + secretName + "/" + key;
    Cached cached = cache.get(id);
    if (cached != null && clock.instant().isBefore(cached.readAt().plus(ttl))) {
      return CompletableFuture.completedFuture(cached.token());
    }
    return CompletableFuture.supplyAsync(() -> {
      Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
      String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(key);
      Optional<byte[]> token = encoded == null ? Optional.empty() : Optional.of(Base64.getDecoder().decode(encoded));
      cache.put(id, new Cached(token, clock.instant()));
      return token;
    }, io);
  }
}
