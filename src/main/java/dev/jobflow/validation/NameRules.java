package dev.jobflow.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/** The names of flows, templates, schedules and steps: DNS-1123 labels, short enough for Job names, unique. */
final class NameRules {
  private static final String LABEL_RULE =
      "use lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label)";

  private NameRules() {}

  static void checkFlowName(ObjectMeta metadata, List<Problem> problems) {
    checkName(metadata, "flow", NameLimits.MAX_FLOW_NAME,
        "so that Job names <flow>-<step>-<attempt> stay within " + NameLimits.MAX_JOB_NAME, problems);
  }

  static void checkTemplateName(ObjectMeta metadata, List<Problem> problems) {
    checkName(metadata, "template", NameLimits.MAX_TEMPLATE_NAME, "as a DNS-1123 label", problems);
  }

  static void checkScheduleName(ObjectMeta metadata, List<Problem> problems) {
    checkName(metadata, "schedule", NameLimits.MAX_SCHEDULE_NAME, "so that the names of its flows, <schedule>-<"
        + NameLimits.SCHEDULE_SUFFIX_DIGITS + " digits>, stay within " + NameLimits.MAX_FLOW_NAME, problems);
  }

  /** Checks {@code metadata.name} (or generateName) of a {@code kind} ("flow", "template", "schedule"). */
  private static void checkName(ObjectMeta metadata, String kind, int max, String why, List<Problem> problems) {
    if (metadata != null && metadata.getAdditionalProperties() != null) {
      for (String field : metadata.getAdditionalProperties().keySet()) {
        problems.add(new Problem("metadata." + field, "unknown field '" + field + "' in metadata (a typo?)"));
      }
    }
    String name = metadata == null ? null : metadata.getName();
    String generateName = metadata == null ? null : metadata.getGenerateName();
    if (name == null || name.isEmpty()) {
      if (generateName != null && !generateName.isEmpty()) {
        checkGenerateName(generateName, kind, max, problems);
      } else {
        problems.add(new Problem("metadata.name", "a " + kind + " needs a name"));
      }
      return;
    }
    if (!NameLimits.isDnsLabel(name)) {
      problems.add(new Problem("metadata.name", "'" + name + "' is not a valid " + kind + " name: " + LABEL_RULE));
    }
    if (name.length() > max) {
      problems.add(new Problem("metadata.name", "'" + name + "' is " + name.length()
          + " characters long; " + kind + " names are at most " + max + " " + why));
    }
  }

  private static void checkGenerateName(String prefix, String kind, int max, List<Problem> problems) {
    // The API server appends random characters, so the prefix may end in '-' but must leave room for them.
    String probe = prefix + "x";
    if (!NameLimits.isDnsLabel(probe)) {
      problems.add(new Problem("metadata.generateName", "'" + prefix + "' is not a valid name prefix: " + LABEL_RULE));
    }
    int longest = max - NameLimits.GENERATED_SUFFIX;
    if (prefix.length() > longest) {
      problems.add(new Problem("metadata.generateName", "'" + prefix + "' is " + prefix.length()
          + " characters long; with the " + NameLimits.GENERATED_SUFFIX + " generated characters a " + kind
          + " name must stay within " + max + ", so the prefix is at most " + longest));
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
