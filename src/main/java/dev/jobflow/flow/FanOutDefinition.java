package dev.jobflow.flow;

import dev.jobflow.api.FanOutLimits;
import dev.jobflow.dag.FanOut;
import dev.jobflow.dag.ItemSource;
import dev.jobflow.dag.StaticItems;
import dev.jobflow.expr.ItemsExpression;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one step fans out, as the engine runs it (plain values, recorded in {@link FlowEvent.FlowAccepted}): exactly
 * one source of items, its limits.
 *
 * @param items {@code withItems}, each item as JSON text; null for another source
 * @param param {@code withParam}, a CEL expression; null for another source
 * @param count {@code withSequence.count}; with {@code start}, {@code end}, {@code format} (all null without a sequence)
 * @param matrix {@code matrix}: names and their values, in spec order; null for another source
 * @param maxItems {@code maxItems} as written, null for the default ({@link FanOutLimits#effectiveMaxItems})
 * @param parallelism the step's own parallelism, null for none
 */
public record FanOutDefinition(List<String> items, String param, Long count, Long start, Long end, String format,
                               Map<String, List<String>> matrix, Integer maxItems, Integer parallelism)
    implements JsonSerializable {
  public FanOutDefinition {
    items = items == null ? null : List.copyOf(items);
    matrix = matrix == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(matrix));
  }

  /** True for {@code withSequence}. */
  public boolean sequenceGiven() {
    return count != null || start != null || end != null || format != null;
  }

  /** The most items the engine lets this step have under these limits. */
  public int effectiveMaxItems(FanOutLimits limits) {
    return limits.effectiveMaxItems(maxItems);
  }

  /**
   * How many instances it will have at most, known before it runs: the size of a written list, or maxItems for
   * {@code withParam}. Spaces the flow's snapshots (a snapshot costs as much as the flow is large).
   */
  public int expectedInstances(FanOutLimits limits) {
    long n;
    if (items != null) {
      n = items.size();
    } else if (matrix != null) {
      n = StaticItems.productSize(matrix);
    } else if (count != null) {
      n = count;
    } else if (sequenceGiven()) {
      n = Math.abs((end == null ? 0 : end) - (start == null ? 0 : start)) + 1;
    } else {
      n = effectiveMaxItems(limits);
    }
    return (int) Math.min(n, effectiveMaxItems(limits));
  }

  /** The rules' view: the source, the limit, the parallelism; throws naming the field when the source cannot be used. */
  public FanOut toFanOut(String step, FanOutLimits limits) {
    return new FanOut(source(step), effectiveMaxItems(limits), parallelism);
  }

  private ItemSource source(String step) {
    if (items != null) {
      return StaticItems.list(items);
    }
    if (matrix != null) {
      return StaticItems.matrix(matrix);
    }
    if (param != null) {
      ItemsExpression.Compilation c = ItemsExpression.compile(param);
      if (!c.isValid()) {
        throw new IllegalArgumentException("step '" + step + "': withParam: " + c.problems().get(0));
      }
      return c.expression();
    }
    return StaticItems.sequence(count, start, end, format);
  }
}
