package dev.jobflow.expr;

import dev.cel.checker.DescriptorTypeProvider;
import dev.cel.checker.Env;
import dev.cel.checker.ExprChecker;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelContainer;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.internal.Errors;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.checker.CelIdentDecl;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The CEL environment of {@code when} and {@code withParam}: the variables {@code params} (map of strings),
 * {@code steps} (map of step name to {@code {phase, outputs, exitCode}}), {@code flow} ({@code name},
 * {@code namespace}, {@code labels}) and, for an instance of a fan-out step, {@code item} and {@code index},
 * CEL's standard functions and macros, and the limits.
 *
 * <p>Type checking reuses one checker environment per thread: CEL-Java's own compiler builds its environment (every
 * standard overload) anew for each expression, which costs a few hundred microseconds, so a 10,000-step flow with a
 * {@code when} on every step would take seconds to admit. The environment is rebuilt after an expression with errors
 * (it keeps them).
 */
final class CelEnvironment {
  /** Iterations one comprehension ({@code all}, {@code exists}, {@code map}, ...) may run at evaluation. */
  static final int MAX_ITERATIONS = 100_000;
  /** Longest expression, in code points. */
  static final int MAX_LENGTH = 10_000;

  static final CelOptions OPTIONS = CelOptions.current()
      .comprehensionMaxIterations(MAX_ITERATIONS)
      .maxExpressionCodePointSize(MAX_LENGTH)
      .build();
  private static final CelCompiler PARSER = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
      .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS).build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
  private static final CelContainer CONTAINER = CelContainer.ofName("");
  private static final ThreadLocal<Checker> CHECKER = ThreadLocal.withInitial(Checker::new);

  /** A problem CEL found, with its 1-based line and column. */
  record Issue(String message, int line, int column) {}

  /** A checked expression, or what is wrong with it. */
  record Checked(CelAbstractSyntaxTree ast, List<Issue> issues) {}

  private CelEnvironment() {}

  /** Parses and type-checks {@code text} as a {@code when}: a bool (or a dyn that must be one at run time). */
  static Checked check(String text) {
    return check(text, SimpleType.BOOL);
  }

  /** Parses and type-checks {@code text} as an expression whose value is of type {@code expected} (DYN: any). */
  static Checked check(String text, dev.cel.common.types.CelType expected) {
    CelValidationResult parsed = PARSER.parse(text);
    if (parsed.hasError()) {
      List<Issue> issues = new ArrayList<>();
      for (CelIssue i : parsed.getErrors()) {
        issues.add(new Issue(i.getMessage(), i.getSourceLocation().getLine(), i.getSourceLocation().getColumn() + 1));
      }
      return new Checked(null, issues);
    }
    try {
      return CHECKER.get().check(parsed.getAst(), text, expected);
    } catch (dev.cel.common.CelValidationException | RuntimeException e) {
      CHECKER.remove();
      return new Checked(null, List.of(new Issue("cannot type-check: " + e.getMessage(), 1, 1)));
    }
  }

  private static final class Checker {
    private final Errors errors = new Errors("<when>", "");
    @SuppressWarnings("deprecation")
    private final Env env = Env.standard(errors, new DescriptorTypeProvider(), OPTIONS);

    Checker() {
      env.add(CelIdentDecl.newIdentDeclaration("params", MapType.create(SimpleType.STRING, SimpleType.STRING)));
      env.add(CelIdentDecl.newIdentDeclaration("steps",
          MapType.create(SimpleType.STRING, MapType.create(SimpleType.STRING, SimpleType.DYN))));
      env.add(CelIdentDecl.newIdentDeclaration("flow", MapType.create(SimpleType.STRING, SimpleType.DYN)));
      // An instance of a fan-out step: its item (any JSON value) and its position in the list.
      env.add(CelIdentDecl.newIdentDeclaration("item", SimpleType.DYN));
      env.add(CelIdentDecl.newIdentDeclaration("index", SimpleType.INT));
    }

    Checked check(CelAbstractSyntaxTree parsed, String text, dev.cel.common.types.CelType expected) {
      errors.enterContext("<when>", text);
      try {
        CelAbstractSyntaxTree checked = ExprChecker.typecheck(env, CONTAINER, parsed,
            com.google.common.base.Optional.of(expected));
        if (errors.getErrorCount() == 0) {
          return new Checked(checked, List.of());
        }
        List<Issue> issues = new ArrayList<>();
        for (Errors.Error e : errors.getErrors()) {
          Errors.SourceLocation at = errors.getPositionLocation(e.position());
          issues.add(new Issue(e.rawMessage(), at.line(), at.column()));
        }
        CHECKER.remove(); // its Errors keep these: start clean next time
        return new Checked(null, issues);
      } finally {
        errors.exitContext();
      }
    }
  }
}
