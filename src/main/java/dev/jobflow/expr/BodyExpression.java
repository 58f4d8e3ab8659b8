package dev.jobflow.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CEL expression over {@code body}, a JSON document (a JobFlowTrigger's generic webhook source): a filter
 * ({@link Kind#CONDITION}, a bool) or a value ({@link Kind#VALUE}: a string, number or bool, for a parameter or the
 * fingerprint). Same options and limits as {@code when} ({@link CelEnvironment}); compiled once per text and kind.
 */
public final class BodyExpression {
  public enum Kind { CONDITION, VALUE }

  private static final int CACHE_LIMIT = 2_000;
  private static final Map<String, BodyExpression> CACHE = new ConcurrentHashMap<>();
  private static final CelCompiler CONDITIONS = compiler(SimpleType.BOOL);
  private static final CelCompiler VALUES = compiler(SimpleType.DYN);

  /** The expression could not be compiled or evaluated; the message says where and why. */
  public static final class ExpressionException extends Exception {
    public ExpressionException(String message) {
      super(message);
    }
  }

  private final String source;
  private final CelRuntime.Program program;

  private BodyExpression(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  private static CelCompiler compiler(CelType result) {
    return CelCompilerFactory.standardCelCompilerBuilder().setOptions(CelEnvironment.OPTIONS)
        .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
        .addVar("body", SimpleType.DYN).setResultType(result).build();
  }

  /** Compiles {@code text}, or says what is wrong with it (CEL's message, line and column). */
  public static BodyExpression compile(String text, Kind kind) throws ExpressionException {
    String key = kind + "\u0000" + text;
    BodyExpression cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    CelValidationResult result = (kind == Kind.CONDITION ? CONDITIONS : VALUES).compile(text);
    if (result.hasError()) {
      List<String> issues = new ArrayList<>();
      for (CelIssue i : result.getErrors()) {
        issues.add(i.getMessage() + " at column " + (i.getSourceLocation().getColumn() + 1));
      }
      throw new ExpressionException("CEL: " + String.join("; ", issues));
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      BodyExpression compiled = new BodyExpression(text, CelEnvironment.RUNTIME.createProgram(ast));
      if (CACHE.size() >= CACHE_LIMIT) {
        CACHE.clear();
      }
      CACHE.put(key, compiled);
      return compiled;
    } catch (CelValidationException | CelEvaluationException e) {
      throw new ExpressionException("CEL: " + e.getMessage());
    }
  }

  /** Whether the condition holds for {@code body}. */
  public boolean test(JsonNode body) throws ExpressionException {
    Object value = evaluate(body);
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ExpressionException("'" + source + "' gave " + describe(value) + ", not a bool");
  }

  /** The value for {@code body} as text: a string as it is, a number or bool printed; anything else is an error. */
  public String text(JsonNode body) throws ExpressionException {
    Object value = evaluate(body);
    if (value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof com.google.common.primitives.UnsignedLong) {
      return String.valueOf(value);
    }
    throw new ExpressionException("'" + source + "' gave " + describe(value) + ", not a string, number or bool");
  }

  private Object evaluate(JsonNode body) throws ExpressionException {
    try {
      return program.eval(Map.of("body", toCel(body)));
    } catch (CelEvaluationException e) {
      throw new ExpressionException("'" + source + "' could not be evaluated: " + e.getMessage());
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value instanceof Map ? "a map" : value instanceof List ? "a list"
        : "a " + value.getClass().getSimpleName();
  }

  /** JSON as CEL sees it: objects as maps, arrays as lists, integers as int, other numbers as double. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return com.google.protobuf.NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), toCel(e.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }
}
