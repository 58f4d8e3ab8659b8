package dev.jobflow.api;

/** The limits of a fan-out step's list (see docs/api.md, {@code steps[].maxItems}). */
public final class FanOutLimits {
  private FanOutLimits() {}

  /** {@code maxItems} when a step does not say. */
  public static final int DEFAULT_MAX_ITEMS = 10_000;

  /**
   * The controller-wide cap: no step has more instances, whatever its {@code maxItems} says. Sized so that a flow of
   * this many instances keeps the controller within 1 GiB of heap (docs/engine.md has the figures).
   */
  public static final int MAX_ITEMS_CAP = 100_000;

  /** A step's {@code maxItems} as the engine applies it: its own (default {@link #DEFAULT_MAX_ITEMS}), at most the cap. */
  public static int effectiveMaxItems(Integer maxItems) {
    return Math.min(maxItems == null ? DEFAULT_MAX_ITEMS : Math.max(0, maxItems), MAX_ITEMS_CAP);
  }
}
