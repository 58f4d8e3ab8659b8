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
 * A reusable flow: steps with declared parameters. A JobFlow runs it with {@code spec.templateRef} and
 * {@code spec.parameters}; the template is resolved when the flow is accepted, and that resolved spec is what the
 * journal records, so later edits of the template never change a flow that already started.
 */
@Group(JobFlow.GROUP)
@Version(JobFlow.VERSION)
@Kind(JobFlowTemplate.KIND)
@Plural(JobFlowTemplate.PLURAL)
@Singular("jobflowtemplate")
@ShortNames("jft")
@AdditionalPrinterColumn(name = "Description", jsonPath = ".spec.description", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class JobFlowTemplate extends CustomResource<JobFlowTemplateSpec, Void> implements Namespaced {
  public static final String KIND = "JobFlowTemplate";
  public static final String PLURAL = "jobflowtemplates";
  public static final String CRD_NAME = PLURAL + "." + JobFlow.GROUP;

  @Override
  protected JobFlowTemplateSpec initSpec() {
    return new JobFlowTemplateSpec();
  }
}
