package dev.jobflow.flow;

import dev.jobflow.api.Approval;
import dev.jobflow.api.Approvers;
import dev.jobflow.api.Backoff;
import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FanOutLimits;
import dev.jobflow.api.GoDuration;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.RetryPolicy;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.Step;
import dev.jobflow.dag.Condition;
import dev.jobflow.dag.FlowFacts;
import dev.jobflow.dag.FlowGraph;
import dev.jobflow.expr.WhenExpression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JobFlow as the engine runs it: the values of its spec at one generation. The first one a flow sees is
 * recorded in {@link FlowEvent.FlowAccepted}, so the journal alone tells what ran.
 *
 * @param parallelism most attempts running at once, null for unlimited
 * @param timeout whole-flow deadline, null for none
 * @param template the JobFlowTemplate the steps came from, null when the flow lists its own (an optional field,
 *     absent from events written before templates existed)
 * @param labels the flow's labels when it was accepted, which conditions read as {@code flow.labels}; null when it had
 *     none (and in events written before conditions existed)
 * @param maxItemsCap the controller's fan-out cap when the flow was accepted ({@link FanOutLimits}); null before it
 *     was recorded (then {@link FanOutLimits#DEFAULT_MAX_ITEMS_CAP} applies, as it did)
 * @param priority {@code spec.priority}: higher starts first when a lock or queue limit holds flows back; null (0)
 *     when unset, and in events written before priorities existed
 * @param synchronization the mutex or semaphore of {@code spec.synchronization}, null for none
 * @param createdAt the JobFlow's creationTimestamp (which of two flows of one priority is older), null when unknown
 */
public record FlowDefinition(String namespace, String name, String uid, long generation, Integer parallelism,
                             FailurePolicy failurePolicy, Duration timeout, boolean suspend, ShutdownPolicy shutdown,
                             Map<String, String> parameters, List<StepDefinition> steps,
                             List<StepDefinition> finallySteps, TemplateSource template, Map<String, String> labels,
                             Integer maxItemsCap, Integer priority, FlowLock synchronization,
                             java.time.Instant createdAt)
    implements JsonSerializable {
  public FlowDefinition {
    labels = labels == null || labels.isEmpty() ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    steps = steps == null ? List.of() : List.copyOf(steps);
    finallySteps = finallySteps == null ? List.of() : List.copyOf(finallySteps);
    failurePolicy = failurePolicy == null ? FailurePolicy.FailFast : failurePolicy;
  }

  /** A definition without a recorded fan-out cap, priority, synchronization or creation time (as written before
   * they existed). */
  public FlowDefinition(String namespace, String name, String uid, long generation, Integer parallelism,
                        FailurePolicy failurePolicy, Duration timeout, boolean suspend, ShutdownPolicy shutdown,
                        Map<String, String> parameters, List<StepDefinition> steps, List<StepDefinition> finallySteps,
                        TemplateSource template, Map<String, String> labels) {
    this(namespace, name, uid, generation, parallelism, failurePolicy, timeout, suspend, shutdown, parameters, steps,
        finallySteps, template, labels, null, null, null, null);
  }

  /** A definition whose steps are its own (no template), without labels. */
  public FlowDefinition(String namespace, String name, String uid, long generation, Integer parallelism,
                        FailurePolicy failurePolicy, Duration timeout, boolean suspend, ShutdownPolicy shutdown,
                        Map<String, String> parameters, List<StepDefinition> steps, List<StepDefinition> finallySteps) {
    this(namespace, name, uid, generation, parallelism, failurePolicy, timeout, suspend, shutdown, parameters, steps,
        finallySteps, null, null);
  }

  /**
   * Reads a JobFlow whose template (if it names one) was resolved by {@code dev.jobflow.template.TemplateResolver}:
   * {@code resolved} carries the template's steps, {@code source} says which template and version they came from.
   */
  public static FlowDefinition from(JobFlow resolved, TemplateSource source) {
    return from(resolved).withTemplate(source);
  }

  public FlowDefinition withTemplate(TemplateSource source) {
    return new FlowDefinition(namespace, name, uid, generation, parallelism, failurePolicy, timeout, suspend, shutdown,
        parameters, steps, finallySteps, source, labels, maxItemsCap, priority, synchronization, createdAt);
  }

  /** As accepted under these limits: the cap is recorded, so a replay applies the cap that applied then. */
  public FlowDefinition withLimits(FanOutLimits limits) {
    return new FlowDefinition(namespace, name, uid, generation, parallelism, failurePolicy, timeout, suspend, shutdown,
        parameters, steps, finallySteps, template, labels, limits.maxItemsCap(), priority, synchronization, createdAt);
  }

  /** The fan-out limits this flow runs under. */
  public FanOutLimits limits() {
    return FanOutLimits.ofCap(maxItemsCap);
  }

  /** The same flow with this priority and lock (tests, and flows read from a JobFlow). */
  public FlowDefinition withLocking(Integer priority, FlowLock synchronization, java.time.Instant createdAt) {
    return new FlowDefinition(namespace, name, uid, generation, parallelism, failurePolicy, timeout, suspend, shutdown,
        parameters, steps, finallySteps, template, labels, maxItemsCap, priority, synchronization, createdAt);
  }

  /** {@code spec.priority}, 0 when unset. */
  public int effectivePriority() {
    return priority == null ? 0 : priority;
  }

  /**
   * A later generation of a flow run from a template, as the flow accepted with {@code accepted} sees it: what it
   * runs (steps, finally, parameters, failure policy, timeout) stays what it was accepted with, whatever the
   * template says now or whether it still exists. Only the flow's own controls (suspend, parallelism, shutdown)
   * come from this generation.
   */
  public FlowDefinition keepingWhatRunsFrom(FlowDefinition accepted) {
    if (template == null || accepted == null) {
      return this;
    }
    return new FlowDefinition(namespace, name, uid, generation, parallelism, accepted.failurePolicy, accepted.timeout,
        suspend, shutdown, accepted.parameters, accepted.steps, accepted.finallySteps, accepted.template, accepted.labels,
        accepted.maxItemsCap, accepted.priority, accepted.synchronization, accepted.createdAt);
  }

  public FlowId id() {
    return new FlowId(namespace, name, uid);
  }

  /**
   * Reads a JobFlow as the controller received it.
   *
   * @throws IllegalArgumentException naming the field when a value cannot be used (e.g. a duration that does not parse)
   */
  public static FlowDefinition from(JobFlow flow) {
    var meta = flow.getMetadata();
    JobFlowSpec spec = flow.getSpec();
    Map<String, String> params = new LinkedHashMap<>();
    for (Parameter p : spec.getParameters() == null ? List.<Parameter>of() : spec.getParameters()) {
      String value = p.effectiveValue();
      params.put(p.getName(), value == null ? "" : value);
    }
    return new FlowDefinition(meta.getNamespace(), meta.getName(), meta.getUid(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(), spec.getParallelism(), spec.effectiveFailurePolicy(),
        duration("spec.timeout", spec.getTimeout()), spec.isSuspended(), spec.getShutdown(), params,
        steps("spec.steps", spec.getSteps()), steps("spec.finally", spec.getFinallySteps()), null, meta.getLabels(), null,
        spec.getPriority(), synchronization(meta.getNamespace(), spec.getSynchronization()),
        meta.getCreationTimestamp() == null ? null : java.time.Instant.parse(meta.getCreationTimestamp()));
  }

  /** The lock of {@code spec.synchronization}, null for none; throws naming the field when it is unusable. */
  private static FlowLock synchronization(String namespace, dev.jobflow.api.Synchronization sync) {
    if (sync == null) {
      return null;
    }
    String problem = dev.jobflow.api.Synchronization.problem(sync);
    if (problem != null) {
      throw new IllegalArgumentException("spec.synchronization: " + problem);
    }
    return sync.getMutex() != null ? FlowLock.mutex(namespace, sync.getMutex())
        : FlowLock.semaphore(namespace, sync.getSemaphore());
  }

  /** The graph the scheduler runs; throws naming the step when names, dependencies or conditions are unusable. */
  public FlowGraph toGraph() {
    FlowGraph.Builder b = FlowGraph.builder().facts(new FlowFacts(name, namespace, labels, parameters));
    for (StepDefinition s : steps) {
      if (s.fanOut() != null && s.waitsForApproval()) {
        throw new IllegalArgumentException("approval step '" + s.name() + "' fans out: an approval step runs no Job");
      }
      b.step(s.name(), dependency(s), s.retryRule(), s.timeout(), condition(s), s.continuesOnFailure(),
          s.fanOut() == null ? null : s.fanOut().toFanOut(s.name(), limits()));
    }
    for (StepDefinition s : finallySteps) {
      if (s.fanOut() != null) {
        throw new IllegalArgumentException("finally step '" + s.name() + "' fans out: only steps of spec.steps may");
      }
      b.finallyStep(s.name(), s.retryRule(), s.timeout(), condition(s), s.continuesOnFailure());
    }
    return b.build();
  }

  private static dev.jobflow.dag.Depends dependency(StepDefinition s) {
    try {
      return s.dependency();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("step '" + s.name() + "': depends: " + e.getMessage(), e);
    }
  }

  private static Condition condition(StepDefinition s) {
    if (s.when() == null) {
      return null;
    }
    WhenExpression.Compilation c = WhenExpression.compile(s.when());
    if (!c.isValid()) {
      throw new IllegalArgumentException("step '" + s.name() + "': when: " + c.problems().get(0));
    }
    return c.expression();
  }

  /**
   * How many steps the flow will have at most, instances of fan-out steps included (a withParam counted at its
   * maxItems): what spaces its snapshots.
   */
  public int expectedSteps() {
    long n = steps.size() + finallySteps.size();
    for (StepDefinition s : steps) {
      n += s.fanOut() == null ? 0 : s.fanOut().expectedInstances(limits());
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** The step of that name, in steps or finally. */
  public StepDefinition step(String stepName) {
    for (StepDefinition s : steps) {
      if (s.name().equals(stepName)) {
        return s;
      }
    }
    for (StepDefinition s : finallySteps) {
      if (s.name().equals(stepName)) {
        return s;
      }
    }
    throw new IllegalArgumentException("flow " + namespace + "/" + name + " has no step named '" + stepName + "'");
  }

  private static List<StepDefinition> steps(String path, List<Step> steps) {
    List<StepDefinition> out = new ArrayList<>();
    if (steps == null) {
      return out;
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      String at = path + "[" + i + "]";
      RetryPolicy r = s.getRetries();
      Backoff b = r == null ? null : r.getBackoff();
      out.add(new StepDefinition(s.getName(), s.getDependsOn(),
          r == null || r.getLimit() == null ? 0 : r.getLimit(),
          b == null ? null : duration(at + ".retries.backoff.duration", b.getDuration()),
          b == null ? null : b.getFactor(),
          b == null ? null : duration(at + ".retries.backoff.maxDuration", b.getMaxDuration()),
          duration(at + ".timeout", s.getTimeout()),
          StepDefinition.toJson(s.getTemplate()), s.getDepends(), s.getWhen(), s.continuesOnFailure(),
          approval(at + ".approval", s.getApproval()), fanOut(at, s)));
    }
    return out;
  }

  /** The step's fan-out, null for none; withItems kept as JSON texts. */
  private static FanOutDefinition fanOut(String at, Step s) {
    List<String> sources = s.fanOutSources();
    if (sources.isEmpty()) {
      return null;
    }
    if (sources.size() > 1) {
      throw new IllegalArgumentException(at + ": " + String.join(" and ", sources) + " are exclusive: a step has one "
          + "source of items");
    }
    List<String> items = s.getWithItems() == null ? null
        : s.getWithItems().stream().map(n -> n == null ? "null" : n.toString()).toList();
    dev.jobflow.api.Sequence q = s.getWithSequence();
    if (q != null && q.getCount() == null && q.getEnd() == null) {
      throw new IllegalArgumentException(at + ".withSequence: give count or end");
    }
    return new FanOutDefinition(items, s.getWithParam(), q == null ? null : q.getCount(),
        q == null ? null : q.getStart(), q == null ? null : q.getEnd(), q == null ? null : q.getFormat(),
        s.getMatrix(), s.getMaxItems(), s.getParallelism());
  }

  private static ApprovalDefinition approval(String path, Approval a) {
    if (a == null) {
      return null;
    }
    Approvers who = a.getApprovers();
    return new ApprovalDefinition(a.getMessage(), duration(path + ".timeout", a.getTimeout()),
        Approval.ON_TIMEOUT_APPROVE.equals(a.getOnTimeout()), who == null ? null : who.getUsers(),
        who == null ? null : who.getGroups());
  }

  private static Duration duration(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}
