package dev.jobflow.controller;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.flow.TemplateSource;
import dev.jobflow.template.Resolution;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.kube.Finalizers;
import dev.jobflow.status.FlowReporter;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * Turns what the JobFlow informer sees into commands for the flows' entities: a new or changed flow is
 * validated (the one validator, also when the webhook is not installed), given the finalizer and handed to
 * its entity by uid; a flow being deleted is told so, and its finalizer goes once FlowDeleted is journaled.
 *
 * <p>A flow that names a JobFlowTemplate is resolved against the API server while it has not started (the
 * resolved spec, with the template's name, uid and resourceVersion, is what its entity records when it accepts
 * it); a template gone by then makes the entity fail the flow with {@code TemplateNotFound}. Once the flow runs,
 * its template is not read again: the entity keeps what it accepted.
 */
public final class FlowReconciler implements FlowInformer.Listener {
  private static final Logger log = LoggerFactory.getLogger(FlowReconciler.class);

  private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(30);
  /** After the API server did not answer a template read. */
  private static final Duration TEMPLATE_RETRY = Duration.ofSeconds(5);

  private final ActorRef<FlowRouter.Command> router;
  private final Scheduler scheduler;
  private final KubernetesClient client;
  private final JobFlowValidator validator;
  private final FlowReporter reporter;
  private final Executor io;
  private final TemplateResolver templates;

  public FlowReconciler(ActorRef<FlowRouter.Command> router, Scheduler scheduler, KubernetesClient client,
      JobFlowValidator validator, FlowReporter reporter, Executor io, TemplateResolver templates) {
    this.templates = templates;
    this.router = router;
    this.scheduler = scheduler;
    this.client = client;
    this.validator = validator;
    this.reporter = reporter;
    this.io = io;
  }

  @Override
  public void onFlow(JobFlow flow) {
    if (Finalizers.isBeingDeleted(flow)) {
      if (Finalizers.has(flow)) {
        journalDeletionThenRelease(flow);
      }
      return;
    }
    if (!Finalizers.has(flow)) {
      // Before the settled check: a quick flow finishes while a status write makes this patch conflict, and a
      // settled flow's next events would otherwise never add it, leaving a flow that can vanish unjournaled.
      io.execute(() -> addFinalizer(flow));
    }
    if (isSettled(flow) && reporter.isCurrent(flow)) {
      return; // a resync of a finished flow whose status is ours: waking its entity would only replay its journal
    }
    List<Problem> problems = validator.validate(flow);
    if (problems.isEmpty() && flow.getSpec().usesTemplate()) {
      if (hasStarted(flow)) {
        // Its entity runs what it accepted; this generation only brings suspend, parallelism or shutdown.
        deliver(flow, FlowDefinition.from(flow).withTemplate(
            TemplateSource.notFound(flow.getSpec().getTemplateRef().getName())));
      } else {
        io.execute(() -> resolveThenDeliver(flow)); // reads the template from the API server
      }
      return;
    }
    FlowDefinition definition = null;
    if (problems.isEmpty()) {
      try {
        definition = FlowDefinition.from(flow);
      } catch (IllegalArgumentException e) {
        problems = List.of(new Problem("spec", e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      reject(flow, problems);
      return;
    }
    deliver(flow, definition);
  }

  private static RetryRequest retryOf(JobFlow flow) {
    return RetryRequest.from(flow.getMetadata().getAnnotations());
  }

  /** Resolves the flow's template and hands the resolved spec (or the template's absence) to its entity. */
  private void resolveThenDeliver(JobFlow flow) {
    String templateName = flow.getSpec().getTemplateRef().getName();
    Resolution resolution;
    try {
      resolution = templates.resolve(flow);
    } catch (TemplateLookup.TemplateLookupException e) {
      log.warn("{}/{}: {}; trying again in {}s", flow.getMetadata().getNamespace(), flow.getMetadata().getName(),
          e.getMessage(), TEMPLATE_RETRY.toSeconds());
      scheduler.scheduleOnce(TEMPLATE_RETRY, () -> onFlow(flow), ExecutionContext.fromExecutor(io));
      return;
    }
    FlowDefinition definition;
    if (resolution instanceof Resolution.TemplateNotFound) {
      definition = FlowDefinition.from(flow).withTemplate(TemplateSource.notFound(templateName));
    } else if (resolution instanceof Resolution.Resolved resolved) {
      List<Problem> problems = validator.validate(resolved.flow());
      try {
        definition = problems.isEmpty() ? FlowDefinition.from(resolved.flow(), new TemplateSource(templateName,
            resolved.template().getMetadata().getUid(), resolved.template().getMetadata().getResourceVersion())) : null;
      } catch (IllegalArgumentException e) {
        problems = List.of(new Problem("spec", e.getMessage()));
        definition = null;
      }
      if (definition == null) {
        reject(flow, problems.stream().map(p -> new Problem("spec.templateRef",
            "JobFlowTemplate '" + templateName + "': " + p)).toList());
        return;
      }
    } else {
      reject(flow, resolution.problems());
      return;
    }
    deliver(flow, definition);
  }

  /** The spec to the flow's entity, then the stamped approval decisions on it (when it has any). */
  private void deliver(JobFlow flow, FlowDefinition definition) {
    String uid = flow.getMetadata().getUid();
    router.tell(new FlowRouter.Deliver(uid, new FlowCommand.SpecSeen(definition, retryOf(flow))));
    Map<String, ApprovalDecision> decisions = ApprovalAnnotations.decisions(flow.getMetadata().getAnnotations());
    if (!decisions.isEmpty()) {
      router.tell(new FlowRouter.Deliver(uid, new FlowCommand.ApprovalsSeen(decisions)));
    }
  }

  /** Its entity has reported it running (or suspended, past Pending): what it runs is settled. */
  private static boolean hasStarted(JobFlow flow) {
    JobFlowStatus status = flow.getStatus();
    return status != null && status.getPhase() != null && status.getPhase() != FlowPhase.Pending;
  }

  /**
   * The journal is the truth: a status that is not the one the controller wrote (a hand-written patch, or a flow
   * not written since this controller started) is handled as the flow itself, so its entity sends its status again.
   */
  @Override
  public void onStatusOrMetadata(JobFlow flow) {
    if (Finalizers.isBeingDeleted(flow)) {
      return;
    }
    if (!reporter.isCurrent(flow)) {
      onFlow(flow);
    } else if (!Finalizers.has(flow)) {
      io.execute(() -> addFinalizer(flow)); // lost to a write that raced it, or removed by hand: not before a resync
    }
  }

  @Override
  public void onFlowGone(JobFlow lastKnown) {
    // Normally the finalizer made us journal the deletion already; this covers a finalizer removed by hand.
    reporter.flowGone(lastKnown);
    router.tell(new FlowRouter.Deliver(lastKnown.getMetadata().getUid(), new FlowCommand.Deleted()));
  }

  /** Once the entity has journaled FlowDeleted, lets the API server delete the flow. */
  private void journalDeletionThenRelease(JobFlow flow) {
    String uid = flow.getMetadata().getUid();
    AskPattern.<FlowRouter.Command, Done>ask(router,
            replyTo -> new FlowRouter.Deliver(uid, new FlowCommand.Deleted(replyTo)), DELETION_TIMEOUT, scheduler)
        .thenAcceptAsync(done -> releaseFinalizer(flow), io)
        .exceptionally(e -> {
          // The journal did not answer in time: the next update or resync of the flow asks again.
          log.warn("deletion of {}/{} not journaled yet: {}", flow.getMetadata().getNamespace(),
              flow.getMetadata().getName(), e.getMessage());
          return null;
        });
  }

  private void releaseFinalizer(JobFlow flow) {
    JobFlow current = client.resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace())
        .withName(flow.getMetadata().getName()).get();
    if (current != null && flow.getMetadata().getUid().equals(current.getMetadata().getUid())) {
      Finalizers.remove(client, current);
    }
  }

  /** Finished and already reported for this generation, with no retry request its entity has not handled. */
  private static boolean isSettled(JobFlow flow) {
    JobFlowStatus status = flow.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().isFinished()) {
      return false;
    }
    RetryRequest retry = retryOf(flow);
    if (retry != null && (status.getLastRetry() == null || !retry.request().equals(status.getLastRetry().getRequest()))) {
      return false;
    }
    long generation = flow.getMetadata().getGeneration() == null ? 0 : flow.getMetadata().getGeneration();
    return status.getObservedGeneration() != null && status.getObservedGeneration() >= generation;
  }

  private void addFinalizer(JobFlow flow) {
    try {
      // A conflict means the flow changed between read and write (its status, mostly): read it again, a few times;
      // its next informer event tries again after that.
      for (int tries = 0; tries < 3 && !Finalizers.add(client, flow); tries++) {
        log.debug("finalizer patch of {}/{} conflicted; trying again", flow.getMetadata().getNamespace(),
            flow.getMetadata().getName());
      }
    } catch (RuntimeException e) {
      log.warn("could not add finalizer to {}/{}: {}", flow.getMetadata().getNamespace(),
          flow.getMetadata().getName(), e.getMessage());
    }
  }

  /** A flow the validator refuses never starts: its status and an Event say every problem. */
  private void reject(JobFlow flow, List<Problem> problems) {
    reporter.rejected(flow, problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
  }
}
