package dev.jobflow.validation;

import dev.jobflow.api.Parameter;
import dev.jobflow.expr.Placeholders;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Declared parameters are well named, unique and have a value (or a default); every placeholder in a template is
 * well formed and every {@code {{params.X}}} names a declared parameter ({@link Placeholders} is the rule).
 */
final class ParameterRules {
  /** Parameter names: what reads well inside {@code {{params.NAME}}}. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final Set<String> declared = new HashSet<>();

  /** Checks {@code spec.parameters} and remembers the declared names for {@link #checkReferences}. */
  void checkDeclarations(List<Parameter> parameters, List<Problem> problems) {
    if (parameters == null) {
      return;
    }
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      String path = "spec.parameters[" + i + "]";
      if (p == null) {
        problems.add(new Problem(path, "empty parameter: it needs a name and a value"));
        continue;
      }
      String name = p.getName();
      if (name == null || name.isEmpty()) {
        problems.add(new Problem(path + ".name", "every parameter needs a name"));
        continue;
      }
      declared.add(name);
      if (!NAME.matcher(name).matches()) {
        problems.add(new Problem(path + ".name", "'" + name
            + "' is not a valid parameter name: use letters, digits, '_' and '-', starting with a letter or '_'"));
      }
      String first = seen.putIfAbsent(name, path);
      if (first != null) {
        problems.add(new Problem(path + ".name", "duplicate parameter '" + name + "': " + first + " has it too"));
      }
      if (p.effectiveValue() == null) {
        problems.add(new Problem(path + ".value", "parameter '" + name + "' has no value and no default: give it a "
            + "value when you submit the flow (or a default)"));
      }
    }
  }

  boolean isDeclared(String name) {
    return declared.contains(name);
  }

  int declaredCount() {
    return declared.size();
  }

  /**
   * Every placeholder in the strings (values and keys) of the step's template: well formed, {@code {{params.X}}}
   * declared; {@code {{steps...}}} handed to {@code steps} for the check against the DAG's edges.
   */
  void checkReferences(StepAt at, ConditionRules steps, List<Problem> problems) {
    if (at.step().getTemplate() == null) {
      return;
    }
    String templatePath = at.at("template");
    TemplateStrings.visit(at.step().getTemplate(), (text, path) -> checkText(at, text, templatePath + path, steps, problems));
  }

  private void checkText(StepAt at, String text, String path, ConditionRules steps, List<Problem> problems) {
    for (Placeholders.Placeholder p : Placeholders.in(text)) {
      if (p.problem() != null) {
        problems.add(new Problem(path, p.problem()));
      } else if (p.isStep()) {
        steps.placeholder(at, p, path);
      } else if (p.isItem()) {
        ItemRules.checkPlaceholder(at, p, path, problems);
      } else if (!declared.contains(p.param())) {
        problems.add(new Problem(path, "unknown parameter '" + p.param() + "' in " + p.text()
            + ": declare it in spec.parameters"));
      }
    }
  }
}
