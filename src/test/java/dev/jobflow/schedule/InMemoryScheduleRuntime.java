package dev.jobflow.schedule;

import dev.jobflow.api.JobFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The cluster as a schedule entity sees it, in memory: flows by name, create calls counted, failures on demand. */
final class InMemoryScheduleRuntime implements ScheduleRuntime {
  final Map<String, JobFlow> flows = new ConcurrentHashMap<>();
  final List<String> createCalls = new CopyOnWriteArrayList<>();
  final List<String> terminated = new CopyOnWriteArrayList<>();
  final List<String> deleted = new CopyOnWriteArrayList<>();
  /** Create calls to answer with a transient failure before succeeding. */
  final AtomicInteger failNextCreates = new AtomicInteger();
  /** While set, create calls create the flow but never answer (the controller "crashes" before hearing back). */
  volatile boolean swallowAnswers;

  @Override
  public CompletionStage<Created> createIfAbsent(JobFlow flow) {
    String name = flow.getMetadata().getName();
    createCalls.add(name);
    if (failNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new RuntimeException("API server unavailable"));
    }
    JobFlow existing = flows.get(name);
    Created created;
    if (existing != null) {
      String owner = existing.getMetadata().getLabels().get(ScheduledFlows.SCHEDULE_UID_LABEL);
      if (!flow.getMetadata().getLabels().get(ScheduledFlows.SCHEDULE_UID_LABEL).equals(owner)) {
        return CompletableFuture.failedFuture(new FlowRefusedException("FlowConflict", "a JobFlow named " + name
            + " exists and is not this schedule's"));
      }
      created = new Created(existing.getMetadata().getUid(), true);
    } else {
      flow.getMetadata().setUid(UUID.randomUUID().toString());
      flows.put(name, flow);
      created = new Created(flow.getMetadata().getUid(), false);
    }
    return swallowAnswers ? new CompletableFuture<>() : CompletableFuture.completedFuture(created);
  }

  @Override
  public CompletionStage<Void> terminate(String namespace, String name, String uid) {
    terminated.add(name);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> delete(String namespace, String name, String uid) {
    deleted.add(name);
    flows.remove(name);
    return CompletableFuture.completedFuture(null);
  }

  List<String> names() {
    List<String> out = new ArrayList<>(flows.keySet());
    out.sort(null);
    return out;
  }
}
