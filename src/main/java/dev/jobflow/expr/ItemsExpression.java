package dev.jobflow.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.jobflow.dag.ConditionInputs;
import dev.jobflow.dag.ItemSource;
import java.util.List;

/**
 * A step's {@code withParam}: a CEL expression over the same variables as {@code when} (typically
 * {@code steps.list.outputs.files}) whose value is a list, or a string holding a JSON list (outputs are strings).
 * Evaluated once, when the step becomes ready; the list it gave is journaled.
 */
public final class ItemsExpression implements ItemSource {
  private final WhenExpression expression;

  private ItemsExpression(WhenExpression expression) {
    this.expression = expression;
  }

  /** The compiled expression, or its problems (the same rules and messages as a {@code when}'s). */
  public record Compilation(ItemsExpression expression, List<WhenExpression.Problem> problems) {
    public boolean isValid() {
      return expression != null && problems.isEmpty();
    }
  }

  public static Compilation compile(String text) {
    WhenExpression.Compilation c = WhenExpression.compileValue(text);
    return new Compilation(c.expression() == null ? null : new ItemsExpression(c.expression()), c.problems());
  }

  /** What it reads, as a {@code when} would: the validator checks the steps it names are upstream. */
  public WhenExpression reads() {
    return expression;
  }

  @Override
  public String field() {
    return "withParam";
  }

  @Override
  public Items expand(ConditionInputs inputs, int maxItems) {
    Object value;
    try {
      value = expression.value(inputs);
    } catch (CelEvaluationException e) {
      return Items.bad(field(), "'" + expression.source() + "': " + e.getMessage());
    }
    List<String> items;
    try {
      items = ItemValues.items(value);
    } catch (IllegalArgumentException e) {
      return Items.bad(field(), "'" + expression.source() + "': " + e.getMessage());
    }
    return items.size() > maxItems ? Items.tooMany(field(), items.size(), maxItems) : Items.of(items);
  }

  @Override
  public String toString() {
    return expression.source();
  }
}
