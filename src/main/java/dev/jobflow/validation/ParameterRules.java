package dev.jobflow.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.jobflow.api.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
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
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
    // Walks the template's JSON tokens rather than a tree: no copy of the template is built per step.
    TokenBuffer tokens = new TokenBuffer(MAPPER, false);
    try {
      MAPPER.writeValue(tokens, at.step().getTemplate());
      try (JsonParser p = tokens.asParser()) {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
            String text = p.getText();
            if (text.indexOf("{{") >= 0) {
              checkText(text, p.getParsingContext(), at.at("template"), problems);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the template of " + at.path(), e);
    }
  }

  private void checkText(String text, JsonStreamContext where, String templatePath, List<Problem> problems) {
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (name.isEmpty()) {
        problems.add(new Problem(templatePath + path(where), "'" + m.group() + "' names no parameter: write {{params.NAME}}"));
      } else if (!declared.contains(name)) {
        problems.add(new Problem(templatePath + path(where), "unknown parameter '" + name + "' in " + m.group()
            + ": declare it in spec.parameters"));
      }
    }
  }

  /** The field path of the current token, e.g. {@code .template.spec.containers[0].command[2]}. */
  static String path(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        String key = c.getCurrentName();
        parts.push(SIMPLE_KEY.matcher(key).matches() ? "." + key : "[\"" + key.replace("\"", "\\\"") + "\"]");
      }
    }
    return String.join("", parts);
  }
}
