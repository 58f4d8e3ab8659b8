package dev.jobflow.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/** The flow's name and its steps' names: DNS-1123 labels, short enough for Job names, unique. */
final class NameRules {
  private static final String LABEL_RULE =
      "use lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label)";

  private NameRules() {}

  static void checkFlowName(ObjectMeta metadata, List<Problem> problems) {
    if (metadata != null && metadata.getAdditionalProperties() != null) {
      for (String field : metadata.getAdditionalProperties().keySet()) {
        problems.add(new Problem("metadata." + field, "unknown field '" + field + "' in metadata (a typo?)"));
      }
    }
    String name = metadata == null ? null : metadata.getName();
    String generateName = metadata == null ? null : metadata.getGenerateName();
    if (name == null || name.isEmpty()) {
      if (generateName != null && !generateName.isEmpty()) {
        checkGenerateName(generateName, problems);
      } else {
        problems.add(new Problem("metadata.name", "a flow needs a name"));
      }
      return;
    }
    if (!NameLimits.isDnsLabel(name)) {
      problems.add(new Problem("metadata.name", "'" + name + "' is not a valid flow name: " + LABEL_RULE));
    }
    if (name.length() > NameLimits.MAX_FLOW_NAME) {
      problems.add(new Problem("metadata.name", "'" + name + "' is " + name.length()
          + " characters long; flow names are at most " + NameLimits.MAX_FLOW_NAME
          + " so that Job names <flow>-<step>-<attempt> stay within " + NameLimits.MAX_JOB_NAME));
    }
  }

  private static void checkGenerateName(String prefix, List<Problem> problems) {
    // The API server appends random characters, so the prefix may end in '-' but must leave room for them.
    String probe = prefix + "x";
    if (!NameLimits.isDnsLabel(probe)) {
      problems.add(new Problem("metadata.generateName", "'" + prefix + "' is not a valid name prefix: " + LABEL_RULE));
    }
    int max = NameLimits.MAX_FLOW_NAME - NameLimits.GENERATED_SUFFIX;
    if (prefix.length() > max) {
      problems.add(new Problem("metadata.generateName", "'" + prefix + "' is " + prefix.length()
          + " characters long; with the " + NameLimits.GENERATED_SUFFIX + " generated characters a flow name "
          + "must stay within " + NameLimits.MAX_FLOW_NAME + ", so the prefix is at most " + max));
    }
  }

  /** Checks one step's name; {@code seen} maps every name met so far to its path, across steps and finally. */
  static void checkStepName(StepAt at, Map<String, String> seen, List<Problem> problems) {
    String name = at.step().getName();
    if (name == null || name.isEmpty()) {
      problems.add(new Problem(at.at("name"), "every step needs a name"));
      return;
    }
    if (!NameLimits.isDnsLabel(name)) {
      problems.add(new Problem(at.at("name"), "'" + name + "' is not a valid step name: " + LABEL_RULE));
    }
    if (name.length() > NameLimits.MAX_STEP_NAME) {
      problems.add(new Problem(at.at("name"), "'" + name + "' is " + name.length() + " characters long; step names are at most "
          + NameLimits.MAX_STEP_NAME + " so that Job names <flow>-<step>-<attempt> stay within " + NameLimits.MAX_JOB_NAME));
    }
    String first = seen.putIfAbsent(name, at.path());
    if (first != null) {
      problems.add(new Problem(at.at("name"), "duplicate step name '" + name + "': " + first
          + " has it too; names must be unique across steps and finally"));
    }
  }
}
