package dev.jobflow.trigger;

import dev.jobflow.api.FlowMetadata;
import dev.jobflow.api.GoDuration;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.api.JobFlowTriggerSpec;
import dev.jobflow.api.TriggerParameter;
import dev.jobflow.api.TriggerSource;
import dev.jobflow.flow.JsonSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JobFlowTrigger at one generation as the endpoint and its entity use it, defaults filled in. Built only from a
 * spec {@link TriggerValidator} passed; {@code invalid} says why one did not (then every firing is refused).
 *
 * @param rateLimitFlows 0: no rate limit
 */
public record TriggerDefinition(String namespace, String name, String uid, long generation, TriggerSource source,
                                String secretName, String secretKey, String statusFilter,
                                Map<String, String> labelFilter, Map<String, String> labelRegexFilter,
                                String filterExpression, Duration window, List<String> fingerprintLabels,
                                String fingerprintExpression, int rateLimitFlows, Duration rateLimitPeriod,
                                String templateName, Map<String, String> flowLabels,
                                Map<String, String> flowAnnotations, List<ParameterRule> parameters, String invalid)
    implements JsonSerializable {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RATE_PERIOD = Duration.ofMinutes(1);
  public static final String DEFAULT_SECRET_KEY = "token";
  public static final String DEFAULT_STATUS = "firing";

  /** One parameter of the created flow: a text with {@code {{alert...}}}, or a CEL expression over the body. */
  public record ParameterRule(String name, String value, String expression) implements JsonSerializable {}

  public TriggerDefinition {
    labelFilter = Map.copyOf(labelFilter == null ? Map.of() : labelFilter);
    labelRegexFilter = Map.copyOf(labelRegexFilter == null ? Map.of() : labelRegexFilter);
    fingerprintLabels = List.copyOf(fingerprintLabels == null ? List.of() : fingerprintLabels);
    flowLabels = Map.copyOf(flowLabels == null ? Map.of() : flowLabels);
    flowAnnotations = Map.copyOf(flowAnnotations == null ? Map.of() : flowAnnotations);
    parameters = List.copyOf(parameters == null ? List.of() : parameters);
  }

  /** The trigger as the controller received it; {@code invalid}: the validator's verdict, null if valid. */
  public static TriggerDefinition from(JobFlowTrigger trigger, String invalid) {
    var meta = trigger.getMetadata();
    JobFlowTriggerSpec spec = trigger.getSpec();
    var ref = spec.getAuth() == null ? null : spec.getAuth().getBearerTokenSecretRef();
    var filters = spec.getFilters();
    var dedup = spec.getDedup();
    var rate = spec.getRateLimit();
    var flow = spec.getFlow();
    FlowMetadata flowMeta = flow == null || flow.getMetadata() == null ? new FlowMetadata() : flow.getMetadata();
    List<ParameterRule> parameters = new ArrayList<>();
    if (flow != null && flow.getParameters() != null) {
      for (TriggerParameter p : flow.getParameters()) {
        parameters.add(new ParameterRule(p.getName(), p.getValue(), p.getExpression()));
      }
    }
    return new TriggerDefinition(meta.getNamespace(), meta.getName(), meta.getUid(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(), spec.getSource(),
        ref == null ? null : ref.getName(), ref == null || ref.getKey() == null ? DEFAULT_SECRET_KEY : ref.getKey(),
        filters == null || filters.getStatus() == null ? DEFAULT_STATUS : filters.getStatus(),
        filters == null ? Map.of() : filters.getLabels(), filters == null ? Map.of() : filters.getLabelsMatch(),
        filters == null ? null : filters.getExpression(),
        duration(dedup == null ? null : dedup.getWindow(), DEFAULT_WINDOW),
        dedup == null ? List.of() : dedup.getFingerprintLabels(),
        dedup == null ? null : dedup.getFingerprintExpression(),
        rate == null || rate.getFlows() == null ? 0 : rate.getFlows(),
        duration(rate == null ? null : rate.getPeriod(), DEFAULT_RATE_PERIOD),
        flow == null || flow.getTemplateRef() == null ? null : flow.getTemplateRef().getName(),
        new LinkedHashMap<>(flowMeta.getLabels()), new LinkedHashMap<>(flowMeta.getAnnotations()), parameters,
        invalid);
  }

  /** The path senders POST to. */
  public String endpoint() {
    return TriggerRoutes.endpoint(namespace, name);
  }

  private static Duration duration(String text, Duration fallback) {
    return text == null || !GoDuration.isValid(text) ? fallback : GoDuration.parse(text);
  }
}
