package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Conditions for scenario tables, written as text: {@code true}, {@code false}, {@code error}; {@code phase:a=Failed}
 * (runs when step a ended Failed); {@code out:a.k=v} (runs when a's output k is v, fails when a has no output k);
 * {@code once} (runs the first time it is asked, fails every time after: a second evaluation would show).
 */
final class TestConditions {
  private TestConditions() {}

  static Condition parse(String text) {
    if (text.startsWith("phase:")) {
      String[] kv = text.substring(6).split("=");
      return of(text, in -> {
        ConditionInputs.StepResult r = in.step(kv[0]);
        return r != null && r.phase() == StepPhase.valueOf(kv[1]) ? Condition.Verdict.run() : Condition.Verdict.skip();
      });
    }
    if (text.startsWith("out:")) {
      String[] kv = text.substring(4).split("=");
      String[] stepKey = kv[0].split("\\.");
      return of(text, in -> {
        ConditionInputs.StepResult r = in.step(stepKey[0]);
        String value = r == null ? null : r.outputs().get(stepKey[1]);
        if (value == null) {
          return Condition.Verdict.fail("no such key: " + stepKey[1]);
        }
        return value.equals(kv[1]) ? Condition.Verdict.run() : Condition.Verdict.skip();
      });
    }
    if (text.equals("once")) {
      AtomicInteger calls = new AtomicInteger();
      return of(text, in -> calls.incrementAndGet() == 1 ? Condition.Verdict.run()
          : Condition.Verdict.fail("evaluated a second time"));
    }
    return switch (text) {
      case "true" -> of(text, in -> Condition.Verdict.run());
      case "false" -> of(text, in -> Condition.Verdict.skip());
      case "error" -> of(text, in -> Condition.Verdict.fail("no such key: rows"));
      default -> throw new IllegalArgumentException("unknown test condition " + text);
    };
  }

  private static Condition of(String text, java.util.function.Function<ConditionInputs, Condition.Verdict> f) {
    return new Condition() {
      @Override
      public String source() {
        return text;
      }

      @Override
      public Verdict evaluate(ConditionInputs inputs) {
        return f.apply(inputs);
      }
    };
  }
}
