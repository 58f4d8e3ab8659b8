package dev.jobflow.controller;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.kube.Finalizers;
import dev.jobflow.status.FlowReporter;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the JobFlow informer sees into commands for the flows' entities: a new or changed flow is
 * validated (the one validator, also when the webhook is not installed), given the finalizer and handed to
 * its entity by uid; a flow being deleted is told so, and its finalizer goes once FlowDeleted is journaled.
 */
public final class FlowReconciler implements FlowInformer.Listener {
  private static final Logger log = LoggerFactory.getLogger(FlowReconciler.class);

  private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(30);

  private final ActorRef<FlowRouter.Command> router;
  private final Scheduler scheduler;
  private final KubernetesClient client;
  private final JobFlowValidator validator;
  private final FlowReporter reporter;
  private final Executor io;

  public FlowReconciler(ActorRef<FlowRouter.Command> router, Scheduler scheduler, KubernetesClient client,
      JobFlowValidator validator, FlowReporter reporter, Executor io) {
    this.router = router;
    this.scheduler = scheduler;
    this.client = client;
    this.validator = validator;
    this.reporter = reporter;
    this.io = io;
  }

  @Override
  public void onFlow(JobFlow flow) {
    String uid = flow.getMetadata().getUid();
    if (Finalizers.isBeingDeleted(flow)) {
      if (Finalizers.has(flow)) {
        journalDeletionThenRelease(flow);
      }
      return;
    }
    if (isSettled(flow)) {
      return; // a resync of a finished flow: waking its entity would only replay its journal
    }
    if (!Finalizers.has(flow)) {
      io.execute(() -> addFinalizer(flow));
    }
    List<Problem> problems = validator.validate(flow);
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
    router.tell(new FlowRouter.Deliver(uid, new FlowCommand.SpecSeen(definition)));
  }

  @Override
  public void onFlowGone(JobFlow lastKnown) {
    // Normally the finalizer made us journal the deletion already; this covers a finalizer removed by hand.
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

  /** Finished and already reported for this generation. */
  private static boolean isSettled(JobFlow flow) {
    JobFlowStatus status = flow.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().isFinished()) {
      return false;
    }
    long generation = flow.getMetadata().getGeneration() == null ? 0 : flow.getMetadata().getGeneration();
    return status.getObservedGeneration() != null && status.getObservedGeneration() >= generation;
  }

  private void addFinalizer(JobFlow flow) {
    try {
      Finalizers.add(client, flow);
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
