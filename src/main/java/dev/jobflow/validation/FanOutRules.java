package dev.jobflow.validation;

import dev.jobflow.api.FanOutLimits;
import dev.jobflow.api.Sequence;
import dev.jobflow.api.Step;
import java.util.List;

/**
 * A fan-out step's own fields: one source of items (withItems, withParam, withSequence or matrix), only in
 * spec.steps, a sequence that says how long it is, maxItems within the controller's cap, parallelism only with a
 * source.
 */
final class FanOutRules {
  private FanOutRules() {}

  static void checkStep(StepAt at, FanOutLimits limits, List<Problem> problems) {
    Step step = at.step();
    List<String> sources = step.fanOutSources();
    if (sources.size() > 1) {
      problems.add(new Problem(at.at(sources.get(1)), "a step has one source of items, but this one has "
          + String.join(" and ", sources) + ": keep one"));
    }
    if (!sources.isEmpty() && at.isFinally()) {
      problems.add(new Problem(at.at(sources.get(0)), "finally steps do not fan out: move the step to spec.steps"));
    }
    if (sources.isEmpty()) {
      if (step.getParallelism() != null) {
        problems.add(new Problem(at.at("parallelism"), "a step's parallelism limits its instances: it needs "
            + "withItems, withParam, withSequence or matrix"));
      }
      if (step.getMaxItems() != null) {
        problems.add(new Problem(at.at("maxItems"), "maxItems limits a list of items: the step needs withItems, "
            + "withParam, withSequence or matrix"));
      }
    }
    checkSequence(at, step.getWithSequence(), limits, problems);
    checkLimits(at, step, limits, problems);
  }

  private static void checkSequence(StepAt at, Sequence q, FanOutLimits limits, List<Problem> problems) {
    if (q == null) {
      return;
    }
    String path = at.at("withSequence");
    if (q.getCount() == null && q.getEnd() == null) {
      problems.add(new Problem(path, "give count, or end (with start, default 0)"));
    } else if (q.getCount() != null && q.getEnd() != null) {
      problems.add(new Problem(path + ".end", "count and end are exclusive: keep one"));
    } else if (q.getCount() != null && q.getCount() < 0) {
      problems.add(new Problem(path + ".count", "must not be negative, but is " + q.getCount()));
    }
    if (q.getFormat() != null) {
      try {
        String.format(java.util.Locale.ROOT, q.getFormat(), 0L);
      } catch (java.util.IllegalFormatException e) {
        problems.add(new Problem(path + ".format", "'" + q.getFormat() + "' cannot format a number ("
            + e.getMessage() + "): write e.g. 'shard-%03d'"));
      }
    }
    long size = sequenceSize(q);
    int limit = limits.effectiveMaxItems(at.step().getMaxItems());
    if (size > limit) {
      problems.add(new Problem(path, "gives " + size + " items, more than maxItems (" + limit + ")"));
    }
  }

  private static void checkLimits(StepAt at, Step step, FanOutLimits limits, List<Problem> problems) {
    String over = limits.maxItemsProblem(step.getMaxItems());
    if (over != null) {
      problems.add(new Problem(at.at("maxItems"), over));
    }
    int limit = limits.effectiveMaxItems(step.getMaxItems());
    if (step.getWithItems() != null && step.getWithItems().size() > limit) {
      problems.add(new Problem(at.at("withItems"), step.getWithItems().size() + " items, more than maxItems ("
          + limit + ")"));
    }
  }

  private static long sequenceSize(Sequence q) {
    if (q.getCount() != null) {
      return q.getCount();
    }
    if (q.getEnd() == null) {
      return 0;
    }
    long start = q.getStart() == null ? 0 : q.getStart();
    return Math.abs(q.getEnd() - start) + 1;
  }
}
