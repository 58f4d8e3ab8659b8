package dev.jobflow.dag;

/**
 * How a step fans out: each item of its list becomes an instance named {@code <step>-<index>}, a step in its own
 * right (retries, timeout, {@code when}, outcome) that inherits the step's rules.
 *
 * @param maxItems the most items the list may have; more fail the step ({@code TooManyItems})
 * @param parallelism the most instances of this step running at once, null for no limit of its own
 */
public record FanOut(ItemSource source, int maxItems, Integer parallelism) {
  public FanOut {
    if (maxItems < 0) {
      throw new IllegalArgumentException("maxItems must not be negative, but is " + maxItems);
    }
    if (parallelism != null && parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, but is " + parallelism);
    }
  }
}
