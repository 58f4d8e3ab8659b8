package dev.jobflow.template;

import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowTemplateSpec;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.TemplateParameter;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves a flow's {@code spec.templateRef}: the one place that says what a flow made from a template runs. Used at
 * admission (to refuse a missing template or parameter with its field path), when the controller accepts the flow
 * (the resolved spec is what the journal records), by {@code jobflow validate} and {@code graph}, and by whatever
 * creates flows from templates (schedules, triggers, resubmits).
 *
 * <p>The rules: steps and finally steps are the template's; each declared parameter takes the flow's value, else
 * its default, and one without a default is required; a parameter the template does not declare is an error;
 * {@code failurePolicy}, {@code timeout} and {@code notify} are the flow's when it sets them, else the template's; everything
 * else (parallelism, TTL, suspend, shutdown) is the flow's own.
 */
public final class TemplateResolver {
  private static final KubernetesSerialization COPIES = new KubernetesSerialization();

  private final TemplateLookup templates;

  public TemplateResolver(TemplateLookup templates) {
    this.templates = templates;
  }

  /**
   * The flow as it runs: itself when it names no template.
   *
   * @throws TemplateLookup.TemplateLookupException when the template's existence cannot be known
   */
  public Resolution resolve(JobFlow flow) {
    JobFlowSpec spec = flow.getSpec();
    if (spec == null || !spec.usesTemplate()) {
      return new Resolution.Resolved(flow, null);
    }
    String namespace = flow.getMetadata() == null ? null : flow.getMetadata().getNamespace();
    String name = spec.getTemplateRef().getName();
    JobFlowTemplate template = name == null || name.isEmpty() ? null : templates.find(namespace, name);
    if (template == null) {
      return new Resolution.TemplateNotFound(namespace, name);
    }
    return resolve(flow, template);
  }

  /**
   * What is wrong with the flow against its template, as the webhook and {@code jobflow validate} report it: the
   * template missing, parameters that do not fit it, or (rare: templates are validated when applied) steps that do
   * not make a valid flow, under {@code spec.templateRef}. Empty when the flow names no template, or fits it.
   *
   * @throws TemplateLookup.TemplateLookupException when the template's existence cannot be known
   */
  public List<Problem> problems(JobFlow flow, JobFlowValidator validator) {
    Resolution resolution = resolve(flow);
    if (!(resolution instanceof Resolution.Resolved resolved)) {
      return resolution.problems();
    }
    List<Problem> problems = new ArrayList<>();
    if (resolved.template() == null) {
      return problems;
    }
    String name = resolved.template().getMetadata().getName();
    for (Problem p : validator.validate(resolved.flow())) {
      if (!p.path().startsWith("metadata")) { // the flow's own name was judged with the flow
        problems.add(new Problem("spec.templateRef", "JobFlowTemplate '" + name + "': " + p));
      }
    }
    return problems;
  }

  /** {@link #problems(JobFlow, JobFlowValidator)} of the flows a schedule creates, under {@code spec.flowSpec}. */
  public List<Problem> problems(CronJobFlow schedule, String namespace, JobFlowValidator validator) {
    if (schedule.getSpec() == null || schedule.getSpec().getFlowSpec() == null) {
      return List.of();
    }
    JobFlow flow = new JobFlow();
    flow.getMetadata().setName(schedule.getMetadata().getName());
    flow.getMetadata().setNamespace(namespace);
    flow.setSpec(schedule.getSpec().getFlowSpec());
    List<Problem> problems = new ArrayList<>();
    for (Problem p : problems(flow, validator)) {
      problems.add(new Problem("spec.flowSpec" + p.path().substring("spec".length()), p.message()));
    }
    return problems;
  }

  /** The flow run from this template (which it must name). */
  public static Resolution resolve(JobFlow flow, JobFlowTemplate template) {
    JobFlowTemplateSpec t = template.getSpec();
    String templateName = template.getMetadata().getName();
    List<Problem> problems = new ArrayList<>();
    if (t == null) {
      problems.add(new Problem("spec.templateRef.name", "JobFlowTemplate '" + templateName + "' has no spec"));
      return new Resolution.Invalid(problems);
    }
    Map<String, String> values = parameters(flow.getSpec(), t, templateName, problems);
    if (!problems.isEmpty()) {
      return new Resolution.Invalid(problems);
    }
    JobFlow resolved = COPIES.clone(flow);
    JobFlowTemplateSpec copy = COPIES.clone(template).getSpec();
    JobFlowSpec spec = resolved.getSpec();
    spec.setTemplateRef(null);
    spec.setSteps(copy.getSteps());
    spec.setFinallySteps(copy.getFinallySteps());
    if (spec.getFailurePolicy() == null) {
      spec.setFailurePolicy(copy.getFailurePolicy());
    }
    if (spec.getTimeout() == null) {
      spec.setTimeout(copy.getTimeout());
    }
    if (spec.getNotify() == null || spec.getNotify().isEmpty()) {
      spec.setNotify(copy.getNotify());
    }
    List<Parameter> merged = new ArrayList<>();
    values.forEach((k, v) -> merged.add(new Parameter(k, v)));
    spec.setParameters(merged);
    return new Resolution.Resolved(resolved, template);
  }

  private static Map<String, String> parameters(JobFlowSpec spec, JobFlowTemplateSpec template, String templateName,
                                                List<Problem> problems) {
    Map<String, TemplateParameter> declared = new LinkedHashMap<>();
    for (TemplateParameter p : template.getParameters() == null ? List.<TemplateParameter>of() : template.getParameters()) {
      if (p != null && p.getName() != null) {
        declared.putIfAbsent(p.getName(), p);
      }
    }
    Map<String, String> given = new LinkedHashMap<>();
    List<Parameter> parameters = spec.getParameters() == null ? List.of() : spec.getParameters();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      if (p == null || p.getName() == null) {
        continue; // the validator reports it
      }
      if (!declared.containsKey(p.getName())) {
        problems.add(new Problem("spec.parameters[" + i + "].name", "JobFlowTemplate '" + templateName
            + "' has no parameter '" + p.getName() + "'" + (declared.isEmpty() ? " (it declares none)"
            : "; it declares " + String.join(", ", declared.keySet()))));
      } else {
        given.put(p.getName(), p.getValue() == null ? "" : p.getValue());
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (TemplateParameter p : declared.values()) {
      String value = given.containsKey(p.getName()) ? given.get(p.getName()) : p.getDefault();
      if (value == null) {
        missing.add(p.getName());
      } else {
        values.put(p.getName(), value);
      }
    }
    if (!missing.isEmpty()) {
      problems.add(new Problem("spec.parameters", "JobFlowTemplate '" + templateName + "' requires "
          + (missing.size() == 1 ? "parameter " : "parameters ")
          + missing.stream().map(m -> "'" + m + "'").collect(Collectors.joining(", "))
          + " (no default): give " + (missing.size() == 1 ? "it" : "them") + " in spec.parameters"));
    }
    return values;
  }
}
