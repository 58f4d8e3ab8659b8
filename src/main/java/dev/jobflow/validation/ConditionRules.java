package dev.jobflow.validation;

import dev.jobflow.expr.CostEstimate;
import dev.jobflow.expr.ItemsExpression;
import dev.jobflow.expr.Placeholders.Placeholder;
import dev.jobflow.expr.WhenExpression;
import java.util.ArrayList;
import java.util.List;

/**
 * What a step reads of the others: its {@code when} compiles (CEL's own message, line and column), stays within the
 * cost bound ({@link CostEstimate#LIMIT}), names declared parameters; and every step a condition or a
 * {@code {{steps...}}} placeholder names is a DAG step upstream of it (any DAG step, for a finally step), so that it
 * has ended by the time it is read.
 */
final class ConditionRules {
  /** A step named by a condition or placeholder, checked once every edge is known. */
  private record Read(StepAt at, String step, String path, String what) {}

  private final ParameterRules parameters;
  private final int stepCount;
  private final List<Read> reads = new ArrayList<>();

  ConditionRules(ParameterRules parameters, int stepCount) {
    this.parameters = parameters;
    this.stepCount = stepCount;
  }

  void checkWhen(StepAt at, List<Problem> problems) {
    String when = at.step().getWhen();
    if (when == null) {
      return;
    }
    String path = at.at("when");
    WhenExpression.Compilation c = WhenExpression.compile(when);
    c.problems().forEach(p -> problems.add(new Problem(path, p + " in '" + when + "'")));
    if (c.expression() != null) {
      ItemRules.checkWhen(at, c.expression(), path, problems);
      checkExpression(at, c.expression(), path, when, problems);
    }
  }

  /** A {@code withParam}: the same language, variables and rules as a {@code when}, any value. */
  void checkWithParam(StepAt at, List<Problem> problems) {
    String text = at.step().getWithParam();
    if (text == null) {
      return;
    }
    String path = at.at("withParam");
    ItemsExpression.Compilation c = ItemsExpression.compile(text);
    c.problems().forEach(p -> problems.add(new Problem(path, p + " in '" + text + "'")));
    if (c.expression() != null) {
      if (c.expression().reads().readsItem()) {
        problems.add(new Problem(path, "item and index are an instance's: the list that makes the instances cannot "
            + "read them, in '" + text + "'"));
      }
      checkExpression(at, c.expression().reads(), path, text, problems);
    }
  }

  private void checkExpression(StepAt at, WhenExpression w, String path, String when, List<Problem> problems) {
    long cost = w.estimatedCost(stepCount, parameters.declaredCount());
    if (cost > CostEstimate.LIMIT) {
      problems.add(new Problem(path, "estimated cost " + cost + " is over the limit of " + CostEstimate.LIMIT
          + " (macros over steps nested in macros over steps multiply): simplify '" + when + "'"));
    }
    for (String param : w.paramsRead()) {
      if (!parameters.isDeclared(param)) {
        problems.add(new Problem(path, "unknown parameter 'params." + param + "': declare it in spec.parameters"));
      }
    }
    for (WhenExpression.StepRead r : w.stepReads()) {
      reads.add(new Read(at, r.step(), path, "steps." + r.step() + " (column " + r.column() + ")"));
    }
  }

  /** A {@code {{steps...}}} placeholder of the step's template, at {@code path}. */
  void placeholder(StepAt at, Placeholder p, String path) {
    reads.add(new Read(at, p.step(), path, p.text()));
  }

  /** Checks every step read against the DAG's edges: call after {@link GraphRules#checkCycles}. */
  void checkReads(GraphRules graph, List<Problem> problems) {
    for (Read r : reads) {
      String name = r.at().step().getName();
      Integer target = graph.indexOf(r.step());
      if (target == null) {
        problems.add(new Problem(r.path(), r.what() + ": " + (graph.isFinallyStep(r.step())
            ? "'" + r.step() + "' is a finally step; a step reads DAG steps only" : "no step named '" + r.step() + "' in spec.steps")));
      } else if (r.step().equals(name)) {
        problems.add(new Problem(r.path(), r.what() + ": a step cannot read itself"));
      } else if (!r.at().isFinally() && !graph.isUpstream(r.at().index(), target)) {
        problems.add(new Problem(r.path(), r.what() + ": '" + r.step() + "' is not upstream of '" + name
            + "', so it may not have ended when '" + name + "' starts: add it to dependsOn (or depends)"));
      }
    }
  }
}
