package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The bearer token a sender must present, kept in a Secret of the trigger's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TriggerAuth {
  @Required
  @JsonPropertyDescription("The Secret (in the trigger's namespace) and key holding the bearer token; the controller "
      + "reads it by name.")
  private SecretKeyRef bearerTokenSecretRef;

  public SecretKeyRef getBearerTokenSecretRef() { return bearerTokenSecretRef; }
  public void setBearerTokenSecretRef(SecretKeyRef ref) { this.bearerTokenSecretRef = ref; }

  /** A key of a Secret in the same namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyRef {
    @Required
    @JsonPropertyDescription("Name of the Secret.")
    private String name;
    @JsonPropertyDescription("Key in the Secret's data. Default: token.")
    private String key;

    public SecretKeyRef() {}

    public SecretKeyRef(String name, String key) {
      this.name = name;
      this.key = key;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
  }
}
