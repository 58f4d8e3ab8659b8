package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code spec.synchronization}: a lock the flow holds from before its first step until it finishes. A mutex lets one
 * flow per key and namespace run; a semaphore lets as many as its size in the namespace's ConfigMap
 * {@value #SEMAPHORE_CONFIG_MAP} (key: the semaphore's name, value: its size), which may change live.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.mutex) != has(self.semaphore)", message = "set exactly one of mutex and semaphore")
public class Synchronization {
  /** The ConfigMap, in the flow's namespace, whose keys size the semaphores. */
  public static final String SEMAPHORE_CONFIG_MAP = "jobflow-semaphores";
  /** A ConfigMap key (what a semaphore name must be), and so also fine for a mutex key. */
  public static final String NAME_PATTERN = "^[-._a-zA-Z0-9]+$";
  public static final int MAX_NAME_LENGTH = 253;

  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("At most one running flow per key in this namespace (e.g. the target a remediation acts on).")
  private String mutex;

  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("At most N running flows, N the value of this key in the namespace's ConfigMap "
      + "jobflow-semaphores (changeable live; 0 while the key is missing).")
  private String semaphore;

  public Synchronization() {}

  public static Synchronization mutex(String key) {
    Synchronization s = new Synchronization();
    s.mutex = key;
    return s;
  }

  public static Synchronization semaphore(String name) {
    Synchronization s = new Synchronization();
    s.semaphore = name;
    return s;
  }

  public String getMutex() { return mutex; }
  public void setMutex(String mutex) { this.mutex = mutex; }
  public String getSemaphore() { return semaphore; }
  public void setSemaphore(String semaphore) { this.semaphore = semaphore; }

  /**
   * What is wrong with it, relative to {@code spec.synchronization} (e.g. {@code mutex: ...}); null when usable.
   * One rule for the validator and the engine.
   */
  public static String problem(Synchronization s) {
    if ((s.mutex == null) == (s.semaphore == null)) {
      return "set exactly one of mutex and semaphore";
    }
    String field = s.mutex != null ? "mutex" : "semaphore";
    String value = s.mutex != null ? s.mutex : s.semaphore;
    if (value.isEmpty() || value.length() > MAX_NAME_LENGTH || !NAME.matcher(value).matches()) {
      return field + ": '" + value + "' must be 1 to " + MAX_NAME_LENGTH + " characters of letters, digits, '-', "
          + "'_' and '.' (a ConfigMap key)";
    }
    return null;
  }

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(NAME_PATTERN);
}
