package dev.jobflow.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.jobflow.dag.Condition;
import dev.jobflow.dag.ConditionInputs;
import dev.jobflow.dag.FlowFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A step's {@code when}, compiled: a CEL expression over {@code params}, {@code steps.<name>.phase|outputs|exitCode}
 * and {@code flow.name|namespace|labels}. Knows what it reads (so the validator can check that every step it names
 * is upstream, and the engine reads the pods of only the steps whose outputs are used) and what it may cost
 * ({@link CostEstimate}). Compilations are cached by text: a flow validated by the webhook and again by the
 * controller, or a flow whose steps share their conditions, compiles each text once.
 */
public final class WhenExpression implements Condition {
  /** The names a comprehension variable may not take: they would hide the variables a condition reads. */
  private static final Set<String> RESERVED = Set.of("params", "steps", "flow", "item");
  private static final Set<String> STEP_FIELDS = Set.of("phase", "outputs", "exitCode");
  private static final Set<String> FLOW_FIELDS = Set.of("name", "namespace", "labels");
  private static final int CACHE_LIMIT = 20_000;
  private static final Map<String, Compilation> CACHE = new ConcurrentHashMap<>();

  /**
   * A step the expression names: {@code steps.extract.outputs.rows} is ({@code extract}, {@code outputs},
   * {@code rows}); {@code steps.extract} alone has a null field, {@code steps.x.outputs[k]} a null key.
   *
   * @param column 1-based, where the reference starts
   */
  public record StepRead(String step, String field, String key, int line, int column) {
    /** Whether it needs the step's pods read (outputs or exit code). */
    public boolean readsResults() {
      return !"phase".equals(field);
    }
  }

  /** Something wrong with the expression, at a 1-based line and column; {@code cel}: found by CEL itself. */
  public record Problem(String message, int line, int column, boolean cel) {
    @Override
    public String toString() {
      return (cel ? "CEL: " : "") + message + (line > 1 ? " at line " + line + ", column " + column : " at column " + column);
    }
  }

  /**
   * The compiled expression and its problems: with CEL's problems there is no expression; with Jobflow's (what it
   * reads) there is one, so that every problem of a flow can be reported at once, but it must not run.
   */
  public record Compilation(WhenExpression expression, List<Problem> problems) {
    public boolean isValid() {
      return expression != null && problems.isEmpty();
    }
  }

  private final String source;
  private final CelAbstractSyntaxTree ast;
  private final List<StepRead> stepReads;
  private final boolean readsAllSteps;
  private final boolean readsItem;
  private final Set<String> paramsRead;
  private volatile CelRuntime.Program program;
  private volatile long costFor = -1;
  private volatile long cost;

  private WhenExpression(String source, CelAbstractSyntaxTree ast, Analysis a) {
    this.source = source;
    this.ast = ast;
    this.stepReads = List.copyOf(a.reads);
    this.readsAllSteps = a.allSteps;
    this.readsItem = a.readsItem;
    this.paramsRead = Set.copyOf(a.params);
  }

  /** Compiles {@code text}: CEL's own syntax and type errors, then Jobflow's rules on what it reads. */
  public static Compilation compile(String text) {
    return compile(text, SimpleType.BOOL);
  }

  /** Compiles {@code text} as an expression of any value (a {@code withParam}), by the same rules. */
  static Compilation compileValue(String text) {
    return compile(text, SimpleType.DYN);
  }

  private static Compilation compile(String text, dev.cel.common.types.CelType expected) {
    String key = expected == SimpleType.BOOL ? text : expected.name() + ":" + text;
    Compilation cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    Compilation c = compileUncached(text, expected);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    CACHE.put(key, c);
    return c;
  }

  private static Compilation compileUncached(String text, dev.cel.common.types.CelType expected) {
    if (text == null || text.isBlank()) {
      return new Compilation(null, List.of(new Problem("an empty condition: write a CEL expression, or leave when out", 1, 1,
          false)));
    }
    CelEnvironment.Checked checked = CelEnvironment.check(text, expected);
    if (checked.ast() == null) {
      return new Compilation(null, checked.issues().stream()
          .map(i -> new Problem(i.message(), i.line(), i.column(), true)).toList());
    }
    Analysis a = new Analysis(checked.ast());
    a.walk(checked.ast().getExpr());
    return new Compilation(new WhenExpression(text, checked.ast(), a), List.copyOf(a.problems));
  }

  @Override
  public String source() {
    return source;
  }

  /** The steps it names, in order (empty when it only reads {@code steps} as a whole: see {@link #readsAllSteps}). */
  public List<StepRead> stepReads() {
    return stepReads;
  }

  /** True when it reads {@code steps} other than by constant names ({@code steps.all(s, ...)}, {@code steps[x]}). */
  public boolean readsAllSteps() {
    return readsAllSteps;
  }

  /** True when it reads {@code item} or {@code index}: only an instance of a fan-out step has them. */
  public boolean readsItem() {
    return readsItem;
  }

  /** The parameters it names ({@code params.env}, {@code params['env']}). */
  public Set<String> paramsRead() {
    return paramsRead;
  }

  /**
   * Its worst-case cost given the sizes of what it may iterate.
   *
   * @param steps how many steps {@code steps} may hold
   * @param params how many parameters the flow declares
   */
  public long estimatedCost(int steps, int params) {
    long key = ((long) steps << 32) | params;
    if (costFor != key) {
      cost = CostEstimate.of(ast.getExpr(), new CostEstimate.Sizes(steps, params));
      costFor = key;
    }
    return cost;
  }

  @Override
  public Verdict evaluate(ConditionInputs inputs) {
    Object result;
    try {
      result = program().eval(activation(inputs));
    } catch (CelEvaluationException e) {
      return Verdict.fail(e.getMessage());
    }
    if (result instanceof Boolean b) {
      return b ? Verdict.run() : Verdict.skip();
    }
    return Verdict.fail("the condition must be true or false, but it is " + result);
  }

  /** Its value given the inputs (for {@code withParam}): a CEL value (list, string, map, ...). */
  Object value(ConditionInputs inputs) throws CelEvaluationException {
    return program().eval(activation(inputs));
  }

  private CelRuntime.Program program() throws CelEvaluationException {
    CelRuntime.Program p = program;
    if (p == null) {
      p = CelEnvironment.RUNTIME.createProgram(ast);
      program = p;
    }
    return p;
  }

  /** The variables, built only from what the expression reads (all steps in scope when it reads them as a whole). */
  private Map<String, Object> activation(ConditionInputs inputs) {
    FlowFacts facts = inputs.flow();
    Map<String, Object> vars = new HashMap<>();
    vars.put("params", facts.params());
    vars.put("flow", Map.of("name", facts.name(), "namespace", facts.namespace(), "labels", facts.labels()));
    Map<String, Object> steps = new TreeMap<>();
    Iterable<String> names = readsAllSteps ? inputs.stepsInScope() : stepReads.stream().map(StepRead::step).toList();
    for (String name : names) {
      ConditionInputs.StepResult r = inputs.step(name);
      if (r != null && !steps.containsKey(name)) {
        Map<String, Object> step = new HashMap<>();
        step.put("phase", r.phase().name());
        step.put("outputs", r.outputs());
        if (r.exitCode() != null) {
          step.put("exitCode", r.exitCode().longValue());
        }
        steps.put(name, step);
      }
    }
    vars.put("steps", steps);
    if (inputs.item() != null) {
      vars.put("item", ItemValues.celValue(inputs.item()));
      vars.put("index", (long) inputs.index());
    }
    return vars;
  }

  @Override
  public String toString() {
    return source;
  }

  /** What an expression reads, found on its syntax tree; and the references Jobflow refuses. */
  private static final class Analysis {
    private final CelAbstractSyntaxTree ast;
    final List<StepRead> reads = new ArrayList<>();
    final Set<String> params = new LinkedHashSet<>();
    final List<Problem> problems = new ArrayList<>();
    boolean allSteps;
    boolean readsItem;

    Analysis(CelAbstractSyntaxTree ast) {
      this.ast = ast;
    }

    void walk(CelExpr e) {
      List<CelExpr> chain = constantChain(e);
      if (chain != null) {
        reference(chain);
        return;
      }
      switch (e.getKind()) {
        case IDENT -> {
          if (e.ident().name().equals("steps")) {
            allSteps = true;
          } else if (e.ident().name().equals("item") || e.ident().name().equals("index")) {
            readsItem = true;
          }
        }
        case SELECT -> walk(e.select().operand());
        case CALL -> {
          e.call().target().ifPresent(this::walk);
          e.call().args().forEach(this::walk);
        }
        case LIST -> e.list().elements().forEach(this::walk);
        case MAP -> e.map().entries().forEach(entry -> {
          walk(entry.key());
          walk(entry.value());
        });
        case STRUCT -> e.struct().entries().forEach(entry -> walk(entry.value()));
        case COMPREHENSION -> {
          var c = e.comprehension();
          for (String v : List.of(c.iterVar(), c.iterVar2() == null ? "" : c.iterVar2())) {
            if (RESERVED.contains(v)) {
              problem(e, "'" + v + "' is a variable of the condition: name the macro's variable otherwise");
            }
          }
          walk(c.iterRange());
          walk(c.accuInit());
          walk(c.loopCondition());
          walk(c.loopStep());
          walk(c.result());
        }
        default -> { }
      }
    }

    /**
     * The nodes of {@code root.a.b['c']} from the root identifier on, when every step is a field or a constant
     * string index from {@code params}, {@code steps} or {@code flow}; null otherwise.
     */
    private static List<CelExpr> constantChain(CelExpr e) {
      List<CelExpr> nodes = new ArrayList<>();
      CelExpr at = e;
      while (true) {
        nodes.add(0, at);
        if (at.getKind() == CelExpr.ExprKind.Kind.SELECT) {
          at = at.select().operand();
        } else if (isConstantIndex(at)) {
          at = at.call().args().get(0);
        } else if (at.getKind() == CelExpr.ExprKind.Kind.IDENT) {
          String root = at.ident().name();
          return nodes.size() > 1 && (root.equals("steps") || root.equals("params") || root.equals("flow")) ? nodes : null;
        } else {
          return null;
        }
      }
    }

    private static boolean isConstantIndex(CelExpr e) {
      return e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("_[_]")
          && e.call().args().size() == 2 && e.call().args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
          && e.call().args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE;
    }

    private static String segment(CelExpr e) {
      return e.getKind() == CelExpr.ExprKind.Kind.SELECT ? e.select().field()
          : e.call().args().get(1).constant().stringValue();
    }

    private void reference(List<CelExpr> chain) {
      String root = chain.get(0).ident().name();
      String first = segment(chain.get(1));
      switch (root) {
        case "params" -> params.add(first);
        case "flow" -> {
          if (!FLOW_FIELDS.contains(first)) {
            problem(chain.get(1), "flow." + first + ": flow has name, namespace and labels");
          }
        }
        default -> stepReference(chain, first);
      }
    }

    private void stepReference(List<CelExpr> chain, String step) {
      String field = chain.size() > 2 ? segment(chain.get(2)) : null;
      if (field != null && !STEP_FIELDS.contains(field)) {
        problem(chain.get(2), "steps." + step + "." + field + ": a step has phase, outputs and exitCode");
        return;
      }
      if (field != null && !field.equals("outputs") && chain.size() > 3) {
        problem(chain.get(3), "steps." + step + "." + field + " is a " + (field.equals("phase") ? "string" : "number")
            + " and has no fields");
        return;
      }
      String key = "outputs".equals(field) && chain.size() > 3 ? segment(chain.get(3)) : null;
      int[] at = position(chain.get(0));
      reads.add(new StepRead(step, field, key, at[0], at[1]));
    }

    private void problem(CelExpr e, String message) {
      int[] at = position(e);
      problems.add(new Problem(message, at[0], at[1], false));
    }

    /** Line and 1-based column of a node. */
    private int[] position(CelExpr e) {
      Integer offset = ast.getSource().getPositionsMap().get(e.id());
      if (offset == null) {
        return new int[] {1, 1};
      }
      CelSourceLocation at = ast.getSource().getOffsetLocation(offset).orElse(null);
      return at == null ? new int[] {1, offset + 1} : new int[] {at.getLine(), at.getColumn() + 1};
    }
  }
}
