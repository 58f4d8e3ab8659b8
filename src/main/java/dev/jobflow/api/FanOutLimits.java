package dev.jobflow.api;

/**
 * The limits of a fan-out step's list (see docs/api.md, {@code steps[].maxItems}): one rule for admission and the
 * engine. The cap is the controller's setting {@code jobflow.engine.fan-out.max-items-cap}; the engine records the
 * cap a flow was accepted with, so its journal alone tells which limit applied.
 *
 * @param maxItemsCap no step has more instances, whatever its {@code maxItems} says
 */
public record FanOutLimits(int maxItemsCap) {
  /** {@code maxItems} when a step does not say (at most the cap). */
  public static final int DEFAULT_MAX_ITEMS = 10_000;

  /**
   * The cap when none is configured, and the cap of flows accepted before it was a setting. Sized so that a flow of
   * this many instances keeps the controller within 1 GiB of heap (docs/engine.md has the figures).
   */
  public static final int DEFAULT_MAX_ITEMS_CAP = 100_000;

  public static final FanOutLimits DEFAULT = new FanOutLimits(DEFAULT_MAX_ITEMS_CAP);

  public FanOutLimits {
    if (maxItemsCap < 1) {
      throw new IllegalArgumentException("jobflow.engine.fan-out.max-items-cap must be >= 1, was " + maxItemsCap);
    }
  }

  /** The limits of a flow accepted with this cap; null (accepted before the cap was a setting): the default. */
  public static FanOutLimits ofCap(Integer cap) {
    return cap == null ? DEFAULT : new FanOutLimits(cap);
  }

  /** A step's {@code maxItems} as the engine applies it: its own (default {@link #DEFAULT_MAX_ITEMS}), at most the cap. */
  public int effectiveMaxItems(Integer maxItems) {
    return Math.min(maxItems == null ? DEFAULT_MAX_ITEMS : Math.max(0, maxItems), maxItemsCap);
  }

  /** Why a written {@code maxItems} is refused, null when it is within the cap. */
  public String maxItemsProblem(Integer maxItems) {
    return maxItems != null && maxItems > maxItemsCap
        ? maxItems + " is over the controller's cap of " + maxItemsCap + " instances per step" : null;
  }
}
