package dev.jobflow.emulator;

import java.net.URI;

/**
 * An admission webhook the emulator calls on JobFlow create/update without a
 * Mutating/ValidatingWebhookConfiguration object: what {@code jobflow dev} and the
 * {@code --mutating-webhook}/{@code --validating-webhook} flags configure.
 *
 * @param caPem the PEM certificate(s) to trust for an https URL, or null for the JVM's trust store
 */
public record WebhookTarget(String name, URI url, boolean mutating, String caPem) {
  public static WebhookTarget mutating(URI url, String caPem) {
    return new WebhookTarget("mutate.jobflow.dev", url, true, caPem);
  }

  public static WebhookTarget validating(URI url, String caPem) {
    return new WebhookTarget("validate.jobflow.dev", url, false, caPem);
  }
}
