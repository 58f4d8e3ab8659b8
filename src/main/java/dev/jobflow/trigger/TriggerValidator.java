package dev.jobflow.trigger;

import dev.jobflow.api.GoDuration;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.api.JobFlowTriggerSpec;
import dev.jobflow.api.TriggerParameter;
import dev.jobflow.api.TriggerSource;
import dev.jobflow.expr.BodyExpression;
import dev.jobflow.expr.Placeholders;
import dev.jobflow.validation.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything wrong with a JobFlowTrigger's spec at once, each with its field path: the fields of the other source
 * are refused rather than ignored, so a trigger never silently matches everything.
 */
public final class TriggerValidator {
  /** Repeats are remembered at most this long (the journal keeps the state small). */
  public static final Duration MAX_WINDOW = Duration.ofHours(24);
  public static final int MAX_RATE_FLOWS = 1000;
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  public List<Problem> validate(JobFlowTrigger trigger) {
    List<Problem> problems = new ArrayList<>();
    JobFlowTriggerSpec spec = trigger == null ? null : trigger.getSpec();
    if (spec == null) {
      problems.add(new Problem("spec", "is required"));
      return problems;
    }
    if (spec.getSource() == null) {
      problems.add(new Problem("spec.source", "is required: alertmanager or webhook"));
    }
    boolean alertmanager = spec.getSource() == TriggerSource.alertmanager;
    boolean webhook = spec.getSource() == TriggerSource.webhook;
    if (spec.getAuth() == null || spec.getAuth().getBearerTokenSecretRef() == null
        || blank(spec.getAuth().getBearerTokenSecretRef().getName())) {
      problems.add(new Problem("spec.auth.bearerTokenSecretRef.name", "is required: the Secret holding the token"));
    }
    var f = spec.getFilters();
    if (f != null) {
      if (f.getStatus() != null && !f.getStatus().equals("firing") && !f.getStatus().equals("resolved")
          && !f.getStatus().equals("any")) {
        problems.add(new Problem("spec.filters.status", "must be firing, resolved or any, not " + f.getStatus()));
      }
      for (Map.Entry<String, String> e : f.getLabelsMatch().entrySet()) {
        try {
          Pattern.compile(e.getValue());
        } catch (PatternSyntaxException ex) {
          problems.add(new Problem("spec.filters.labelsMatch." + e.getKey(), "is not a regular expression: "
              + ex.getDescription()));
        }
      }
      if (webhook && (f.getStatus() != null || !f.getLabels().isEmpty() || !f.getLabelsMatch().isEmpty())) {
        problems.add(new Problem("spec.filters", "status, labels and labelsMatch are for the alertmanager source; "
            + "a webhook filters with expression"));
      }
      if (alertmanager && f.getExpression() != null) {
        problems.add(new Problem("spec.filters.expression", "is for the webhook source; alertmanager filters with "
            + "status, labels and labelsMatch"));
      }
      cel(f.getExpression(), BodyExpression.Kind.CONDITION, "spec.filters.expression", problems);
    }
    var d = spec.getDedup();
    if (d != null) {
      duration(d.getWindow(), "spec.dedup.window", MAX_WINDOW, problems);
      if (webhook && !d.getFingerprintLabels().isEmpty()) {
        problems.add(new Problem("spec.dedup.fingerprintLabels", "is for the alertmanager source; a webhook uses "
            + "fingerprintExpression"));
      }
      if (alertmanager && d.getFingerprintExpression() != null) {
        problems.add(new Problem("spec.dedup.fingerprintExpression", "is for the webhook source; alertmanager uses "
            + "fingerprintLabels"));
      }
      cel(d.getFingerprintExpression(), BodyExpression.Kind.VALUE, "spec.dedup.fingerprintExpression", problems);
    }
    var r = spec.getRateLimit();
    if (r != null) {
      if (r.getFlows() == null || r.getFlows() < 1 || r.getFlows() > MAX_RATE_FLOWS) {
        problems.add(new Problem("spec.rateLimit.flows", "must be between 1 and " + MAX_RATE_FLOWS));
      }
      duration(r.getPeriod(), "spec.rateLimit.period", MAX_WINDOW, problems);
    }
    flow(spec, alertmanager, webhook, problems);
    return problems;
  }

  private static void flow(JobFlowTriggerSpec spec, boolean alertmanager, boolean webhook, List<Problem> problems) {
    var flow = spec.getFlow();
    if (flow == null || flow.getTemplateRef() == null || blank(flow.getTemplateRef().getName())) {
      problems.add(new Problem("spec.flow.templateRef.name", "is required: the JobFlowTemplate each flow runs"));
    }
    if (flow == null || flow.getParameters() == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < flow.getParameters().size(); i++) {
      TriggerParameter p = flow.getParameters().get(i);
      String path = "spec.flow.parameters[" + i + "]";
      if (p.getName() == null || !PARAMETER_NAME.matcher(p.getName()).matches()) {
        problems.add(new Problem(path + ".name", "must be a parameter name ([A-Za-z_][A-Za-z0-9_.-]*)"));
      } else if (!seen.add(p.getName())) {
        problems.add(new Problem(path + ".name", "parameter " + p.getName() + " is given twice"));
      }
      if ((p.getValue() == null) == (p.getExpression() == null)) {
        problems.add(new Problem(path, "give value or expression, exactly one"));
      }
      if (webhook && p.getValue() != null && !Placeholders.alertProblems(p.getValue()).isEmpty()) {
        problems.add(new Problem(path + ".value", "{{alert...}} is for the alertmanager source"));
      }
      if (alertmanager && p.getExpression() != null) {
        problems.add(new Problem(path + ".expression", "is for the webhook source; alertmanager parameters are "
            + "values with {{alert.labels.NAME}}"));
      }
      if (alertmanager) {
        for (String problem : Placeholders.alertProblems(p.getValue())) {
          problems.add(new Problem(path + ".value", problem));
        }
      }
      cel(p.getExpression(), BodyExpression.Kind.VALUE, path + ".expression", problems);
    }
  }

  private static void cel(String text, BodyExpression.Kind kind, String path, List<Problem> problems) {
    if (text == null) {
      return;
    }
    try {
      BodyExpression.compile(text, kind);
    } catch (BodyExpression.ExpressionException e) {
      problems.add(new Problem(path, e.getMessage()));
    }
  }

  private static void duration(String text, String path, Duration max, List<Problem> problems) {
    if (text == null) {
      return;
    }
    if (!GoDuration.isValid(text)) {
      problems.add(new Problem(path, "is not a duration (e.g. 5m, 1h30m): " + text));
      return;
    }
    Duration d = GoDuration.parse(text);
    if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
      problems.add(new Problem(path, "must be more than 0 and at most " + GoDuration.format(max)));
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
