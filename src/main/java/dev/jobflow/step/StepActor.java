package dev.jobflow.step;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import dev.jobflow.dag.Reasons;
import java.time.Clock;
import java.time.Duration;

/**
 * Owns one attempt of one step: creates its Job unless it exists (so a restart adopts it), follows it, and
 * reports exactly one end ({@link StepOutcome}) to whoever started it, then stops. Told to {@link Terminate}, it deletes the Job instead
 * and reports nothing (the flow has already decided). A child of its FlowEntity.
 */
public final class StepActor {
  /**
   * Each command names its handler, so the compiler holds every command to one (a new one without is an error,
   * not an unhandled message), and an actor holds one receive function instead of a case per command: with a
   * step actor per running attempt, its ten cases and their lambdas were 0.7 KiB of each idle flow's heap.
   */
  public sealed interface Command {
    Behavior<Command> handledBy(StepActor actor);
  }

  /** Delete the attempt's Job and stop, reporting nothing. */
  public record Terminate(String reason) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onTerminate(this);
    }
  }

  private record Created(JobHandle handle) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onCreated(this);
    }
  }

  private record CreateFailed(Throwable error) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onCreateFailed(this);
    }
  }

  private record Observed(JobObservation observation) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onObserved(this);
    }
  }

  private record DeleteDone(Throwable error) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onDeleted(this);
    }
  }

  private record RetryCreate() implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      actor.startCreate();
      return Behaviors.same();
    }
  }

  private record ResultsRead(JobObservation finished, JobResults results, Throwable error) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.onResultsRead(this);
    }
  }

  private record RetryResults(JobObservation finished) implements Command {
    @Override
    public Behavior<Command> handledBy(StepActor actor) {
      return actor.readResults(finished);
    }
  }

  /**
   * How the step actor creates Jobs and tells time.
   *
   * @param rejectionTries how many times a create the API server refuses for what the Job is
   *     ({@link JobRejectedException}) is tried before the attempt fails {@code JobRejected}; other failures
   *     (5xx, 429, no connection) are retried with backoff for as long as it takes
   */
  public record Settings(Duration createMinBackoff, Duration createMaxBackoff, Clock clock, int rejectionTries) {
    /** Three tries for a refused create. */
    public static final int DEFAULT_REJECTION_TRIES = 3;

    public Settings(Duration createMinBackoff, Duration createMaxBackoff, Clock clock) {
      this(createMinBackoff, createMaxBackoff, clock, DEFAULT_REJECTION_TRIES);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final AttemptSpec attempt;
  private final JobRuntime runtime;
  private final ActorRef<StepOutcome> flow;
  private final Settings settings;
  private Subscription subscription;
  private JobHandle job;
  private int createFailures;
  private int rejections;
  private int resultFailures;
  private boolean finished;
  private boolean creating;
  private String terminating;

  private StepActor(ActorContext<Command> context, TimerScheduler<Command> timers, AttemptSpec attempt,
                    JobRuntime runtime, ActorRef<StepOutcome> flow, Settings settings) {
    this.context = context;
    this.timers = timers;
    this.attempt = attempt;
    this.runtime = runtime;
    this.flow = flow;
    this.settings = settings;
  }

  /** Runs the attempt: create or adopt its Job, follow it, report its outcome to {@code flow}. */
  public static Behavior<Command> create(AttemptSpec attempt, JobRuntime runtime, ActorRef<StepOutcome> flow,
                                         Settings settings) {
    Behavior<Command> run = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      StepActor actor = new StepActor(ctx, timers, attempt, runtime, flow, settings);
      actor.startCreate();
      return actor.behavior();
    }));
    // A crash of the actor (not of the Job) restarts it; create-if-absent then adopts the Job it had.
    return Behaviors.supervise(run).onFailure(SupervisorStrategy.restart());
  }

  /** Deletes a Job whose attempt already ended (after a restart of the flow), then stops. */
  public static Behavior<Command> deleting(JobKey job, JobRuntime runtime) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(runtime.delete(job), (ok, error) -> new DeleteDone(error));
      return Behaviors.receive(Command.class)
          .onMessage(DeleteDone.class, done -> {
            if (done.error() != null) {
              ctx.getLog().warn("Could not delete Job {} of an ended attempt: {}", job, done.error().toString());
            }
            return Behaviors.stopped();
          })
          .onMessage(Command.class, other -> Behaviors.same())
          .build();
    });
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive((ctx, command) -> command.handledBy(this),
        (ctx, signal) -> signal instanceof PostStop || signal instanceof PreRestart ? cancelWatch()
            : Behaviors.unhandled());
  }

  private void startCreate() {
    creating = true;
    context.pipeToSelf(runtime.createIfAbsent(attempt),
        (handle, error) -> error == null ? new Created(handle) : new CreateFailed(unwrap(error)));
  }

  private Behavior<Command> onCreated(Created created) {
    creating = false;
    job = created.handle();
    if (terminating != null) {
      return deleteJob();
    }
    flow.tell(new StepOutcome.JobCreated(attempt.step(), attempt.attempt(), attempt.job().name(), job.uid(), job.adopted()));
    ActorRef<Command> self = context.getSelf();
    subscription = runtime.watch(attempt.job(), observation -> self.tell(new Observed(observation)));
    return Behaviors.same();
  }

  private Behavior<Command> onCreateFailed(CreateFailed failed) {
    creating = false;
    if (terminating != null) {
      // The create may still have gone through on the server: delete by name to be sure.
      return deleteJob();
    }
    if (failed.error() instanceof JobConflictException conflict) {
      return report(new StepOutcome.Failed(attempt.step(), attempt.attempt(), attempt.job().name(), null,
          Reasons.JOB_CONFLICT, conflict.getMessage(), settings.clock().instant(), null));
    }
    if (failed.error() instanceof AttemptSupersededException superseded) {
      return report(new StepOutcome.Failed(attempt.step(), attempt.attempt(), attempt.job().name(), null,
          Reasons.ATTEMPT_SUPERSEDED, superseded.getMessage(), settings.clock().instant(), null));
    }
    createFailures++;
    if (failed.error() instanceof JobRejectedException rejected) {
      // A quota or a policy webhook may change its mind soon, so a few tries; never for ever: the step's own
      // retry policy decides what comes next.
      rejections++;
      if (rejections >= settings.rejectionTries()) {
        return report(new StepOutcome.Failed(attempt.step(), attempt.attempt(), attempt.job().name(), null,
            Reasons.JOB_REJECTED, rejected.getMessage(), settings.clock().instant(), null));
      }
    }
    Duration delay = backoff(createFailures);
    context.getLog().warn("Creating Job {} failed (try {}), retrying in {}: {}", attempt.job(), createFailures,
        delay, failed.error().toString());
    timers.startSingleTimer(new RetryCreate(), delay);
    return Behaviors.same();
  }

  private Behavior<Command> onObserved(Observed observed) {
    JobObservation o = observed.observation();
    if (terminating != null || finished) {
      return Behaviors.same();
    }
    return switch (o.state()) {
      case Succeeded, Failed -> {
        if (!attempt.readsResults()) {
          yield report(outcome(o, null));
        }
        finished = true;
        yield readResults(o);
      }
      case Deleted -> report(new StepOutcome.Failed(attempt.step(), attempt.attempt(), attempt.job().name(), uid(o),
          Reasons.JOB_DELETED, "Job " + attempt.job() + " disappeared before it finished", at(o), null));
      case Pending, Active -> Behaviors.same();
    };
  }

  /** The flow reads this step's outputs or exit code: ask the Job's pods before reporting. */
  private Behavior<Command> readResults(JobObservation finishedJob) {
    context.pipeToSelf(runtime.results(attempt.job(), uid(finishedJob)),
        (results, error) -> new ResultsRead(finishedJob, results, error == null ? null : unwrap(error)));
    return Behaviors.same();
  }

  private Behavior<Command> onResultsRead(ResultsRead read) {
    if (terminating != null) {
      return Behaviors.same();
    }
    if (read.error() != null) {
      resultFailures++;
      Duration delay = backoff(resultFailures);
      context.getLog().warn("Reading the pods of Job {} failed (try {}), retrying in {}: {}", attempt.job(),
          resultFailures, delay, read.error().toString());
      timers.startSingleTimer(new RetryResults(read.finished()), delay);
      return Behaviors.same();
    }
    return report(outcome(read.finished(), read.results()));
  }

  /** The one outcome of a finished Job, with what its pods told when they were read. */
  private StepOutcome outcome(JobObservation o, JobResults results) {
    String step = attempt.step();
    String name = attempt.job().name();
    if (o.state() == JobState.Failed) {
      return new StepOutcome.Failed(step, attempt.attempt(), name, uid(o), o.reason() == null ? "JobFailed" : o.reason(),
          o.message(), at(o), results == null ? null : results.exitCode());
    }
    if (results != null && results.problem() != null) {
      return new StepOutcome.Failed(step, attempt.attempt(), name, uid(o), Reasons.BAD_OUTPUTS, results.problem(),
          at(o), results.exitCode());
    }
    return new StepOutcome.Succeeded(step, attempt.attempt(), name, uid(o), o.reason(), o.message(), at(o),
        results == null ? null : results.outputs());
  }

  private String uid(JobObservation o) {
    return o.uid() != null ? o.uid() : job == null ? null : job.uid();
  }

  private Behavior<Command> onTerminate(Terminate terminate) {
    if (terminating != null) {
      return Behaviors.same();
    }
    terminating = terminate.reason();
    cancelWatch();
    timers.cancelAll();
    // While a create is in flight, deleting now could race it: delete once it has answered.
    return creating ? Behaviors.same() : deleteJob();
  }

  private Behavior<Command> deleteJob() {
    context.pipeToSelf(runtime.delete(attempt.job()), (ok, error) -> new DeleteDone(error));
    return Behaviors.same();
  }

  private Behavior<Command> onDeleted(DeleteDone done) {
    if (done.error() != null) {
      context.getLog().warn("Deleting Job {} ({}) failed: {}", attempt.job(), terminating, done.error().toString());
    }
    return Behaviors.stopped();
  }

  /** The one outcome of this attempt; the actor stops right after, so there is never a second. */
  private Behavior<Command> report(StepOutcome outcome) {
    flow.tell(outcome);
    return Behaviors.stopped();
  }

  private Behavior<Command> cancelWatch() {
    if (subscription != null) {
      subscription.cancel();
      subscription = null;
    }
    return Behaviors.same();
  }

  private java.time.Instant at(JobObservation o) {
    return o.at() != null ? o.at() : settings.clock().instant();
  }

  private Duration backoff(int failures) {
    long millis = settings.createMinBackoff().toMillis() * (1L << Math.min(failures - 1, 20));
    return Duration.ofMillis(Math.min(millis, settings.createMaxBackoff().toMillis()));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
