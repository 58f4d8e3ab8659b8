package dev.jobflow.trigger;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a trigger's bearer token is read: one key of one Secret, by name (the controller may {@code get} the Secrets
 * it is told about, never list them). Empty when the Secret or the key does not exist.
 */
public interface TokenSource {
  CompletionStage<Optional<byte[]>> token(String namespace, String secretName, String key);
}
