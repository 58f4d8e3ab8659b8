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

/** A JobFlow on a cron schedule, with CronJob's semantics; each firing is decided by an event-sourced entity. */
@Group(JobFlow.GROUP)
@Version(JobFlow.VERSION)
@Kind(CronJobFlow.KIND)
@Plural(CronJobFlow.PLURAL)
@Singular("cronjobflow")
@ShortNames("cjf")
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "TimeZone", jsonPath = ".spec.timeZone", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Suspend", jsonPath = ".spec.suspend", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Last Schedule", jsonPath = ".status.lastScheduleTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Next", jsonPath = ".status.nextScheduleTime", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class CronJobFlow extends CustomResource<CronJobFlowSpec, CronJobFlowStatus> implements Namespaced {
  public static final String KIND = "CronJobFlow";
  public static final String PLURAL = "cronjobflows";
  public static final String CRD_NAME = PLURAL + "." + JobFlow.GROUP;

  @Override
  protected CronJobFlowSpec initSpec() {
    return new CronJobFlowSpec();
  }
}
