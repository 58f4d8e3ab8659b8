package dev.jobflow.validation;

import dev.jobflow.expr.Placeholders.Placeholder;
import dev.jobflow.expr.WhenExpression;
import java.util.List;

/**
 * {@code {{item}}}, {@code {{item.KEY}}}, {@code {{index}}} and the {@code item}/{@code index} of a {@code when} name
 * an instance's item: only a fan-out step has instances.
 */
final class ItemRules {
  private ItemRules() {}

  static void checkPlaceholder(StepAt at, Placeholder p, String path, List<Problem> problems) {
    if (at.step().fanOutSources().isEmpty()) {
      problems.add(new Problem(path, p.text() + " outside a fan-out step: only a step with withItems, withParam, "
          + "withSequence or matrix has items"));
    }
  }

  static void checkWhen(StepAt at, WhenExpression when, String path, List<Problem> problems) {
    if (when.readsItem() && at.step().fanOutSources().isEmpty()) {
      problems.add(new Problem(path, "item and index outside a fan-out step: only a step with withItems, withParam, "
          + "withSequence or matrix has items, in '" + when.source() + "'"));
    }
  }
}
