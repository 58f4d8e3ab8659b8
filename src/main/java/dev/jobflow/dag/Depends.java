package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * When a step may start, in terms of how its upstream steps ended: Argo's {@code depends} language
 * ({@code a && (b.Failed || !c.Succeeded)}), and {@code dependsOn: [a, b]} as the conjunction of bare names. The
 * names are the step's edges in the DAG.
 *
 * <p>Evaluated in three values (true, false, not known yet) over the upstream steps that have settled, so a step is
 * skipped as soon as the answer is false whatever the rest does, and starts once it is true and every name has
 * settled.
 */
public final class Depends {

  /** How an upstream step ended, as an operand names it ({@code a.Failed}). */
  public enum Result {
    Succeeded, Failed, Errored, Skipped, Omitted, Cancelled, AnySucceeded, AllFailed;

    static Result named(String text) {
      for (Result r : values()) {
        if (r.name().equals(text)) {
          return r;
        }
      }
      return null;
    }
  }

  /** Three-valued truth: {@code UNKNOWN} while a step it depends on has not settled. */
  public enum Truth {
    TRUE, FALSE, UNKNOWN;

    static Truth of(boolean b) {
      return b ? TRUE : FALSE;
    }

    Truth not() {
      return this == UNKNOWN ? UNKNOWN : of(this == FALSE);
    }

    Truth and(Truth o) {
      return this == FALSE || o == FALSE ? FALSE : this == UNKNOWN || o == UNKNOWN ? UNKNOWN : TRUE;
    }

    Truth or(Truth o) {
      return this == TRUE || o == TRUE ? TRUE : this == UNKNOWN || o == UNKNOWN ? UNKNOWN : FALSE;
    }
  }

  /**
   * How a settled upstream step ended: its phase and reason, and whether its failure is tolerated
   * ({@code continueOn.failed}); for a fan-out step how many instances it had ({@code -1}: not a fan-out step) and
   * how many of them succeeded and failed, which {@code AnySucceeded} and {@code AllFailed} read.
   */
  public record Settled(StepPhase phase, String reason, boolean continuesOnFailure, int instances, int succeeded,
                        int failed) {
    public Settled(StepPhase phase, String reason, boolean continuesOnFailure) {
      this(phase, reason, continuesOnFailure, -1, 0, 0);
    }
  }

  /** A syntax error, with the 1-based column where it was found. */
  public static final class SyntaxError extends IllegalArgumentException {
    private final int column;

    SyntaxError(String message, int column) {
      super(message + " at column " + column);
      this.column = column;
    }

    public int column() {
      return column;
    }
  }

  private sealed interface Node {}

  private record Operand(String step, Result result) implements Node {}

  private record Not(Node operand) implements Node {}

  private record And(Node left, Node right) implements Node {}

  private record Or(Node left, Node right) implements Node {}

  private static final Depends NONE = new Depends(null, null, List.of(), false);

  private final String text;
  private final Node root;
  private final List<String> steps;
  private final boolean explicit;

  private Depends(String text, Node root, List<String> steps, boolean explicit) {
    this.text = text;
    this.root = root;
    this.steps = steps;
    this.explicit = explicit;
  }

  /** No dependency: true at once. */
  public static Depends none() {
    return NONE;
  }

  /** {@code dependsOn: [a, b]}: every step succeeded (or was skipped by its own {@code when}). */
  public static Depends allOf(List<String> steps) {
    if (steps.isEmpty()) {
      return NONE;
    }
    Node root = null;
    for (String s : steps) {
      Node op = new Operand(s, null);
      root = root == null ? op : new And(root, op);
    }
    return new Depends(String.join(" && ", steps), root, List.copyOf(new LinkedHashSet<>(steps)), false);
  }

  /**
   * Parses a {@code depends} expression.
   *
   * @throws SyntaxError saying what is wrong and where
   */
  public static Depends parse(String text) {
    Parser p = new Parser(text);
    Node root = p.expression();
    p.skipSpaces();
    if (p.pos < text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    }
    return new Depends(text, root, List.copyOf(p.names), true);
  }

  /** The expression as written (for {@code dependsOn}: the names joined by {@code &&}); null for none. */
  public String text() {
    return text;
  }

  /** The steps it names, in order of first appearance: the step's edges. */
  public List<String> steps() {
    return steps;
  }

  /** True for a {@code depends} expression, false for {@code dependsOn} (or none). */
  public boolean isExplicit() {
    return explicit;
  }

  /**
   * True when an operand names {@code step} with an explicit result ({@code step.Failed}, {@code !step.Succeeded}):
   * the step was written to react to how {@code step} ended, so a failure of {@code step} does not stop it
   * (FailFast lets it run).
   */
  public boolean reactsTo(String step) {
    return reactsTo(root, step);
  }

  /** The results an operand names for {@code step} ({@code Failed} for {@code step.Failed}), in order; bare names none. */
  public List<String> resultsNamed(String step) {
    Set<String> out = new LinkedHashSet<>();
    collectResults(root, step, out);
    return List.copyOf(out);
  }

  private static void collectResults(Node n, String step, Set<String> out) {
    if (n instanceof Operand o) {
      if (o.result() != null && o.step().equals(step)) {
        out.add(o.result().name());
      }
    } else if (n instanceof Not not) {
      collectResults(not.operand(), step, out);
    } else if (n instanceof And and) {
      collectResults(and.left(), step, out);
      collectResults(and.right(), step, out);
    } else if (n instanceof Or or) {
      collectResults(or.left(), step, out);
      collectResults(or.right(), step, out);
    }
  }

  private static boolean reactsTo(Node n, String step) {
    if (n == null) {
      return false;
    }
    if (n instanceof Operand o) {
      return o.result() != null && o.step().equals(step);
    }
    if (n instanceof Not not) {
      return reactsTo(not.operand(), step);
    }
    if (n instanceof And and) {
      return reactsTo(and.left(), step) || reactsTo(and.right(), step);
    }
    Or or = (Or) n;
    return reactsTo(or.left(), step) || reactsTo(or.right(), step);
  }

  /**
   * The expression's value given how the named steps ended.
   *
   * @param settled how a step ended, or null while it has not settled
   */
  public Truth evaluate(Function<String, Settled> settled) {
    return root == null ? Truth.TRUE : eval(root, settled);
  }

  private static Truth eval(Node n, Function<String, Settled> settled) {
    if (n instanceof Operand o) {
      Settled s = settled.apply(o.step());
      return s == null ? Truth.UNKNOWN : Truth.of(matches(o.result(), s));
    }
    if (n instanceof Not not) {
      return eval(not.operand(), settled).not();
    }
    if (n instanceof And and) {
      Truth left = eval(and.left(), settled);
      return left == Truth.FALSE ? left : left.and(eval(and.right(), settled));
    }
    Or or = (Or) n;
    Truth left = eval(or.left(), settled);
    return left == Truth.TRUE ? left : left.or(eval(or.right(), settled));
  }

  /** Whether a step that ended {@code s} has {@code result} (null: a bare name). */
  static boolean matches(Result result, Settled s) {
    StepPhase p = s.phase();
    if (result == null) {
      return p == StepPhase.Succeeded || isSkippedByItsCondition(s) || (p == StepPhase.Failed && s.continuesOnFailure());
    }
    return switch (result) {
      case Succeeded -> p == StepPhase.Succeeded;
      case Failed -> p == StepPhase.Failed;
      case AnySucceeded -> s.instances() >= 0 ? s.succeeded() > 0 : p == StepPhase.Succeeded;
      case AllFailed -> s.instances() >= 0 ? s.instances() > 0 && s.failed() == s.instances() : p == StepPhase.Failed;
      case Errored -> p == StepPhase.Failed && Reasons.isError(s.reason());
      case Skipped -> isSkippedByItsCondition(s);
      case Omitted -> p == StepPhase.Skipped && Reasons.isOmission(s.reason());
      case Cancelled -> p == StepPhase.Cancelled;
    };
  }

  private static boolean isSkippedByItsCondition(Settled s) {
    return s.phase() == StepPhase.Skipped && Reasons.WHEN_FALSE.equals(s.reason());
  }

  @Override
  public String toString() {
    return text == null ? "" : text;
  }

  /** Recursive descent: {@code or := and ('||' and)*}, {@code and := unary ('&&' unary)*}, {@code unary := '!' unary | '(' or ')' | operand}. */
  private static final class Parser {
    private final String text;
    private final Set<String> names = new LinkedHashSet<>();
    private int pos;
    private int depth;

    Parser(String text) {
      this.text = text == null ? "" : text;
    }

    Node expression() {
      if (++depth > 100) {
        throw error("nested more than 100 levels deep");
      }
      Node left = conjunction();
      while (consume("||")) {
        left = new Or(left, conjunction());
      }
      depth--;
      return left;
    }

    private Node conjunction() {
      Node left = unary();
      while (consume("&&")) {
        left = new And(left, unary());
      }
      return left;
    }

    private Node unary() {
      skipSpaces();
      if (consume("!")) {
        return new Not(unary());
      }
      if (consume("(")) {
        Node inner = expression();
        if (!consume(")")) {
          throw error(pos < text.length() ? "expected ')' but found '" + text.charAt(pos) + "'" : "missing ')'");
        }
        return inner;
      }
      return operand();
    }

    private Node operand() {
      skipSpaces();
      int start = pos;
      while (pos < text.length() && isNameChar(text.charAt(pos))) {
        pos++;
      }
      if (start == pos) {
        throw error(pos < text.length() ? "expected a step name but found '" + text.charAt(pos) + "'"
            : "expected a step name but the expression ended");
      }
      String name = text.substring(start, pos);
      Result result = null;
      if (pos < text.length() && text.charAt(pos) == '.') {
        pos++;
        int r = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
          pos++;
        }
        String word = text.substring(r, pos);
        result = Result.named(word);
        if (result == null) {
          throw new SyntaxError(unknownResult(name, word), r + 1);
        }
      }
      names.add(name);
      return new Operand(name, result);
    }

    private static String unknownResult(String step, String word) {
      if (word.equalsIgnoreCase("Daemoned")) {
        return "'" + step + ".Daemoned': Jobflow has no daemon steps; use " + step + ".Succeeded";
      }
      List<String> known = new ArrayList<>();
      for (Result r : Result.values()) {
        known.add(r.name());
      }
      for (Result r : Result.values()) {
        if (r.name().toLowerCase(Locale.ROOT).equals(word.toLowerCase(Locale.ROOT))) {
          return "'" + step + "." + word + "': results are case-sensitive, write " + step + "." + r.name();
        }
      }
      return "'" + step + "." + word + "' is not a step result; use one of " + String.join(", ", known);
    }

    private static boolean isNameChar(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private boolean consume(String token) {
      skipSpaces();
      if (text.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    SyntaxError error(String message) {
      return new SyntaxError(message, pos + 1);
    }
  }
}
