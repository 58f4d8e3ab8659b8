package dev.jobflow.dag;

/**
 * A step's {@code when}: whether a step whose dependencies are met runs. Evaluated once, when every step it depends
 * on has settled (finally steps: once the DAG has); the engine journals the verdict, so a recovery never evaluates
 * it again. The expression language lives outside this package (CEL, {@code dev.jobflow.expr}); the rules only ask.
 */
public interface Condition {
  /** The expression as written, for events and messages. */
  String source();

  /** Run the step, skip it ({@code WhenFalse}), or fail it ({@code ExpressionError}) with the message. */
  Verdict evaluate(ConditionInputs inputs);

  /** What a condition decided. */
  record Verdict(Kind kind, String message) {
    public enum Kind { RUN, SKIP, FAIL }

    public static Verdict run() {
      return new Verdict(Kind.RUN, null);
    }

    public static Verdict skip() {
      return new Verdict(Kind.SKIP, null);
    }

    public static Verdict fail(String message) {
      return new Verdict(Kind.FAIL, message);
    }
  }
}
