package dev.jobflow.validation;

/** One thing wrong with a JobFlow: where ({@code spec.steps[2].dependsOn[0]}) and what to do about it. */
public record Problem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
