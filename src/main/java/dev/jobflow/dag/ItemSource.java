package dev.jobflow.dag;

import java.util.List;

/**
 * Where the items of a fan-out step come from ({@code withItems}, {@code withSequence}, {@code matrix},
 * {@code withParam}): asked once, when the step becomes ready; the list it gives is journaled and never asked for
 * again. Each item is JSON text (a string item is a JSON string), so the rules never look inside one.
 */
public interface ItemSource {
  /** The spec field it reads, for messages ({@code withSequence}). */
  String field();

  /**
   * The items, given what the step may read; at most {@code maxItems} of them, else {@link Items#tooMany}.
   * A source that cannot give a list says why ({@link Items#bad}).
   */
  Items expand(ConditionInputs inputs, int maxItems);

  /** A list of items, or why there is none (reason {@code TooManyItems} or {@code BadItems}). */
  record Items(List<String> items, String reason, String message) {
    public static Items of(List<String> items) {
      return new Items(List.copyOf(items), null, null);
    }

    public static Items tooMany(String field, long count, int maxItems) {
      return new Items(null, Reasons.TOO_MANY_ITEMS, field + " gives " + count + " items, more than maxItems ("
          + maxItems + ")");
    }

    public static Items bad(String field, String message) {
      return new Items(null, Reasons.BAD_ITEMS, field + ": " + message);
    }

    public boolean failed() {
      return items == null;
    }
  }
}
