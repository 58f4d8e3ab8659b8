package dev.jobflow.expr;

import dev.cel.common.ast.CelExpr;
import java.util.Set;

/**
 * A worst-case cost of evaluating a condition, computed from its syntax tree before it ever runs, in the manner of
 * cel-go's estimator that Kubernetes uses for CRD rules and ValidatingAdmissionPolicy (CEL-Java 0.14 has none): one
 * unit per node, string functions charged by the longest string they may scan ({@value #MAX_STRING} bytes, a
 * termination message), and each macro ({@code all}, {@code exists}, {@code map}, ...) charged its body times the
 * most elements it may iterate: every step of the flow for {@code steps}, the declared parameters for
 * {@code params}, {@value #MAX_OUTPUTS} for one step's outputs, the literal's size for a list literal, and
 * {@value #DEFAULT_SIZE} for anything else. A condition over {@link #LIMIT} is refused at admission; nested macros
 * over {@code steps} are what reaches it.
 */
public final class CostEstimate {
  /** The most a condition may cost: Kubernetes' per-expression limit for ValidatingAdmissionPolicy. */
  public static final long LIMIT = 1_000_000;
  /** Longest string a condition reads: a container's termination message. */
  static final int MAX_STRING = 4096;
  /** Most outputs one step may have: 4 KiB of {@code "k":"",}. */
  static final int MAX_OUTPUTS = MAX_STRING / 6;
  static final int LABELS = 100;
  static final int DEFAULT_SIZE = 1000;
  /** Functions that scan a whole string (comparisons stop at the first difference: they count one). */
  private static final Set<String> SCANS = Set.of("contains", "startsWith", "endsWith", "_+_", "lowerAscii",
      "upperAscii", "trim", "split", "replace", "indexOf");

  /** How many steps and parameters {@code steps} and {@code params} may hold. */
  record Sizes(int steps, int params) {}

  private CostEstimate() {}

  static long of(CelExpr e, Sizes sizes) {
    return cost(e, sizes);
  }

  private static long cost(CelExpr e, Sizes s) {
    return switch (e.getKind()) {
      case SELECT -> 1 + cost(e.select().operand(), s);
      case CALL -> {
        long c = 1 + function(e.call().function());
        if (e.call().target().isPresent()) {
          c = add(c, cost(e.call().target().get(), s));
        }
        for (CelExpr arg : e.call().args()) {
          c = add(c, cost(arg, s));
        }
        yield c;
      }
      case LIST -> e.list().elements().stream().mapToLong(x -> cost(x, s)).reduce(1, CostEstimate::add);
      case MAP -> e.map().entries().stream().mapToLong(x -> add(cost(x.key(), s), cost(x.value(), s)))
          .reduce(1, CostEstimate::add);
      case STRUCT -> e.struct().entries().stream().mapToLong(x -> cost(x.value(), s)).reduce(1, CostEstimate::add);
      case COMPREHENSION -> {
        var c = e.comprehension();
        long body = add(cost(c.loopCondition(), s), cost(c.loopStep(), s));
        long loop = multiply(size(c.iterRange(), s), body);
        yield add(add(add(cost(c.iterRange(), s), cost(c.accuInit(), s)), loop), cost(c.result(), s));
      }
      default -> 1;
    };
  }

  private static long function(String name) {
    if (name.equals("matches")) {
      return MAX_STRING;
    }
    return SCANS.contains(name) ? MAX_STRING / 10 : 0;
  }

  /** The most elements an expression may hold when a macro iterates it. */
  private static long size(CelExpr e, Sizes s) {
    switch (e.getKind()) {
      case IDENT -> {
        return switch (e.ident().name()) {
          case "steps" -> s.steps();
          case "params" -> s.params();
          default -> DEFAULT_SIZE;
        };
      }
      case SELECT -> {
        String field = e.select().field();
        CelExpr operand = e.select().operand();
        if (field.equals("outputs")) {
          return MAX_OUTPUTS;
        }
        if (field.equals("labels") && operand.getKind() == CelExpr.ExprKind.Kind.IDENT) {
          return LABELS;
        }
        return DEFAULT_SIZE;
      }
      case LIST -> {
        return e.list().elements().size();
      }
      case COMPREHENSION -> {
        return size(e.comprehension().iterRange(), s); // map() and filter() yield at most what they iterate
      }
      default -> {
        return DEFAULT_SIZE;
      }
    }
  }

  private static long add(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  private static long multiply(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }
}
