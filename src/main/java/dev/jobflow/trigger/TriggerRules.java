package dev.jobflow.trigger;

import dev.jobflow.api.TriggerSource;
import dev.jobflow.expr.BodyExpression;
import dev.jobflow.expr.Placeholders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a trigger makes of one firing, in plain Java: filtered out (and why), or its fingerprint and the parameters of
 * the flow it would create. Deduplication and rate limiting are the entity's: they need the journal.
 */
public final class TriggerRules {
  private TriggerRules() {}

  /** The outcome for one firing. */
  public sealed interface Outcome {}

  /** Not for this trigger; {@code filter} names the filter that said no (a metric label). */
  public record Filtered(String filter, String message) implements Outcome {}

  /** For this trigger. */
  public record Matched(String fingerprint, Map<String, String> parameters) implements Outcome {}

  /** The firing cannot be read as the trigger says (an expression failed on it): answered 400. */
  public record Unreadable(String message) implements Outcome {}

  public static Outcome evaluate(TriggerDefinition def, Alert alert) {
    try {
      return def.source() == TriggerSource.alertmanager ? alertmanager(def, alert) : webhook(def, alert);
    } catch (BodyExpression.ExpressionException e) {
      return new Unreadable(e.getMessage());
    }
  }

  private static Outcome alertmanager(TriggerDefinition def, Alert alert) {
    if (!def.statusFilter().equals("any") && !def.statusFilter().equals(alert.status())) {
      return new Filtered("status", "alert " + alert.name() + " is " + alert.status() + ", the trigger takes "
          + def.statusFilter() + " alerts");
    }
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(def.labelFilter()).entrySet()) {
      String actual = alert.labels().get(e.getKey());
      if (!e.getValue().equals(actual)) {
        return new Filtered("labels", "alert " + alert.name() + " has " + e.getKey() + "="
            + (actual == null ? "(none)" : actual) + ", the trigger takes " + e.getKey() + "=" + e.getValue());
      }
    }
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(def.labelRegexFilter()).entrySet()) {
      String actual = alert.labels().getOrDefault(e.getKey(), "");
      if (!Pattern.compile(e.getValue()).matcher(actual).matches()) {
        return new Filtered("labelsMatch", "alert " + alert.name() + " has " + e.getKey() + "=" + actual
            + ", which does not match " + e.getValue());
      }
    }
    String fingerprint = Fingerprints.ofAlert(alert.name(), alert.labels(), def.fingerprintLabels());
    Map<String, String> parameters = new LinkedHashMap<>();
    for (TriggerDefinition.ParameterRule p : def.parameters()) {
      parameters.put(p.name(), Placeholders.substituteAlert(p.value(), field -> field(alert, fingerprint, field)));
    }
    return new Matched(fingerprint, parameters);
  }

  private static String field(Alert alert, String fingerprint, String field) {
    return switch (field) {
      case "name" -> alert.name();
      case "status" -> alert.status();
      case "fingerprint" -> fingerprint;
      default -> field.startsWith("labels.") ? alert.labels().get(field.substring("labels.".length()))
          : field.startsWith("annotations.") ? alert.annotations().get(field.substring("annotations.".length()))
          : null;
    };
  }

  private static Outcome webhook(TriggerDefinition def, Alert alert) throws BodyExpression.ExpressionException {
    if (def.filterExpression() != null
        && !BodyExpression.compile(def.filterExpression(), BodyExpression.Kind.CONDITION).test(alert.body())) {
      return new Filtered("expression", "the document does not satisfy " + def.filterExpression());
    }
    String fingerprint = def.fingerprintExpression() == null ? Fingerprints.ofDocument(alert.body())
        : Fingerprints.ofText(BodyExpression.compile(def.fingerprintExpression(), BodyExpression.Kind.VALUE)
            .text(alert.body()));
    Map<String, String> parameters = new LinkedHashMap<>();
    for (TriggerDefinition.ParameterRule p : def.parameters()) {
      parameters.put(p.name(), p.expression() != null
          ? BodyExpression.compile(p.expression(), BodyExpression.Kind.VALUE).text(alert.body()) : p.value());
    }
    return new Matched(fingerprint, parameters);
  }
}
