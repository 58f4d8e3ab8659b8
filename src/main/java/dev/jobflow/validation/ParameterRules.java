package dev.jobflow.validation;

import dev.jobflow.api.Parameter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Declared parameters are well named and unique; every {@code {{params.X}}} in a template names one of them. */
final class ParameterRules {
  /** Parameter names: what reads well inside {@code {{params.NAME}}}. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*params\\.([^{}\\s]*)\\s*}}");

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
    }
  }

  /** Every {@code {{params.X}}} in the strings (values and keys) of the step's template names a declared parameter. */
  void checkReferences(StepAt at, List<Problem> problems) {
    if (at.step().getTemplate() == null) {
      return;
    }
    String templatePath = at.at("template");
    TemplateStrings.visit(at.step().getTemplate(), (text, path) -> checkText(text, templatePath + path, problems));
  }

  private void checkText(String text, String path, List<Problem> problems) {
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (name.isEmpty()) {
        problems.add(new Problem(path, "'" + m.group() + "' names no parameter: write {{params.NAME}}"));
      } else if (!declared.contains(name)) {
        problems.add(new Problem(path, "unknown parameter '" + name + "' in " + m.group()
            + ": declare it in spec.parameters"));
      }
    }
  }
}
