package dev.jobflow.dag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Depends.Settled;
import dev.jobflow.dag.Depends.Truth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every operand of {@code depends} against every way an upstream step can end, and the language's syntax. */
class DependsTest {
  static final Settled SUCCEEDED = new Settled(StepPhase.Succeeded, null, false);
  static final Settled FAILED = new Settled(StepPhase.Failed, "BackoffLimitExceeded", false);
  static final Settled FAILED_TOLERATED = new Settled(StepPhase.Failed, "BackoffLimitExceeded", true);
  static final Settled ERRORED = new Settled(StepPhase.Failed, Reasons.EXPRESSION_ERROR, false);
  static final Settled WHEN_FALSE = new Settled(StepPhase.Skipped, Reasons.WHEN_FALSE, false);
  static final Settled UPSTREAM_FAILED = new Settled(StepPhase.Skipped, Reasons.UPSTREAM_FAILED, false);
  static final Settled DEPENDS_FALSE = new Settled(StepPhase.Skipped, Reasons.DEPENDS_FALSE, false);
  static final Settled CANCELLED = new Settled(StepPhase.Cancelled, Reasons.TERMINATED, false);
  static final List<Settled> ALL = List.of(SUCCEEDED, FAILED, FAILED_TOLERATED, ERRORED, WHEN_FALSE, UPSTREAM_FAILED,
      DEPENDS_FALSE, CANCELLED);

  /** Operand, and the endings for which it is true (all others: false). */
  static Stream<Arguments> operands() {
    return Stream.of(
        Arguments.of("a", List.of(SUCCEEDED, WHEN_FALSE, FAILED_TOLERATED)),
        Arguments.of("a.Succeeded", List.of(SUCCEEDED)),
        Arguments.of("a.Failed", List.of(FAILED, FAILED_TOLERATED, ERRORED)),
        Arguments.of("a.Errored", List.of(ERRORED)),
        Arguments.of("a.Skipped", List.of(WHEN_FALSE)),
        Arguments.of("a.Omitted", List.of(UPSTREAM_FAILED, DEPENDS_FALSE)),
        Arguments.of("a.Cancelled", List.of(CANCELLED)),
        Arguments.of("a.AnySucceeded", List.of(SUCCEEDED)),
        Arguments.of("a.AllFailed", List.of(FAILED, FAILED_TOLERATED, ERRORED)),
        Arguments.of("!a.Succeeded", List.of(FAILED, FAILED_TOLERATED, ERRORED, WHEN_FALSE, UPSTREAM_FAILED,
            DEPENDS_FALSE, CANCELLED)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operands")
  void eachOperandMatchesExactlyItsEndings(String text, List<Settled> trueFor) {
    Depends d = Depends.parse(text);
    for (Settled s : ALL) {
      assertEquals(trueFor.contains(s) ? Truth.TRUE : Truth.FALSE, d.evaluate(n -> s), text + " for " + s);
    }
    assertEquals(Truth.UNKNOWN, d.evaluate(n -> null), "unknown while a has not settled");
  }

  @Test
  void andOrNotAndParenthesesWithThreeValues() {
    Map<String, Settled> ended = new HashMap<>();
    Depends d = Depends.parse("(a.Failed || b.Failed) && !c.Succeeded");
    assertEquals(Truth.UNKNOWN, d.evaluate(ended::get));
    ended.put("c", SUCCEEDED);
    assertEquals(Truth.FALSE, d.evaluate(ended::get), "false whatever a and b do");
    ended.put("c", FAILED);
    ended.put("a", FAILED);
    assertEquals(Truth.TRUE, d.evaluate(ended::get), "true while b has not settled");
    assertEquals(List.of("a", "b", "c"), d.steps());
    assertTrue(d.reactsTo("a"));
    assertFalse(Depends.parse("a && b.Failed").reactsTo("a"), "a bare name is not a reaction to a's result");
    assertEquals(Truth.TRUE, Depends.parse("a || b && c").evaluate(Map.of("a", SUCCEEDED)::get), "&& binds tighter");
  }

  @Test
  void dependsOnIsTheConjunctionOfBareNames() {
    Depends d = Depends.allOf(List.of("a", "b"));
    assertFalse(d.isExplicit());
    assertEquals(Truth.TRUE, d.evaluate(Map.of("a", SUCCEEDED, "b", WHEN_FALSE)::get));
    assertEquals(Truth.FALSE, d.evaluate(Map.of("a", UPSTREAM_FAILED)::get), "an upstream failure propagates");
    assertEquals(Truth.TRUE, Depends.none().evaluate(n -> null));
  }

  @Test
  void syntaxErrorsSayWhatAndWhere() {
    assertEquals("expected a step name but the expression ended at column 6",
        assertThrows(Depends.SyntaxError.class, () -> Depends.parse("a && ")).getMessage());
    assertEquals("'a.Failled' is not a step result; use one of Succeeded, Failed, Errored, Skipped, Omitted, Cancelled, "
        + "AnySucceeded, AllFailed at column 3", assertThrows(Depends.SyntaxError.class, () -> Depends.parse("a.Failled")).getMessage());
    assertEquals("'a.failed': results are case-sensitive, write a.Failed at column 3",
        assertThrows(Depends.SyntaxError.class, () -> Depends.parse("a.failed")).getMessage());
    assertTrue(assertThrows(Depends.SyntaxError.class, () -> Depends.parse("a.Daemoned")).getMessage()
        .contains("no daemon steps"));
    assertEquals("missing ')' at column 15",
        assertThrows(Depends.SyntaxError.class, () -> Depends.parse("(a || b.Failed")).getMessage());
    assertEquals(3, assertThrows(Depends.SyntaxError.class, () -> Depends.parse("a & b")).column());
  }
}
