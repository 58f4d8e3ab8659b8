package dev.jobflow.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Creates a JobFlow from a JobFlowTemplate when an alert (Alertmanager's webhook) or a JSON document (a generic
 * webhook) is POSTed to {@code /api/v1/namespaces/{ns}/triggers/{name}}: filtered, deduplicated within a window and
 * rate limited by an event-sourced entity, so a repeated alert never creates a second flow.
 */
@Group(JobFlow.GROUP)
@Version(JobFlow.VERSION)
@Kind(JobFlowTrigger.KIND)
@Plural(JobFlowTrigger.PLURAL)
@Singular("jobflowtrigger")
@ShortNames("jftr")
@AdditionalPrinterColumn(name = "Source", jsonPath = ".spec.source", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Template", jsonPath = ".spec.flow.templateRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Flows", jsonPath = ".status.flowsCreated", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last Flow", jsonPath = ".status.lastFlow", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Triggered", jsonPath = ".status.lastTriggeredTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class JobFlowTrigger extends CustomResource<JobFlowTriggerSpec, JobFlowTriggerStatus> implements Namespaced {
  public static final String KIND = "JobFlowTrigger";
  public static final String PLURAL = "jobflowtriggers";
  public static final String CRD_NAME = PLURAL + "." + JobFlow.GROUP;

  @Override
  protected JobFlowTriggerSpec initSpec() {
    return new JobFlowTriggerSpec();
  }
}
