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

/** A DAG of batch Jobs: {@code spec} is what the user wants run, {@code status} what the controller observed. */
@Group(JobFlow.GROUP)
@Version(JobFlow.VERSION)
@Kind(JobFlow.KIND)
@Plural(JobFlow.PLURAL)
@Singular("jobflow")
@ShortNames("jf")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Approval", jsonPath = ".status.waitingForApproval", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class JobFlow extends CustomResource<JobFlowSpec, JobFlowStatus> implements Namespaced {
  public static final String GROUP = "jobflow.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "JobFlow";
  public static final String PLURAL = "jobflows";
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  @Override
  protected JobFlowSpec initSpec() {
    return new JobFlowSpec();
  }
}
