package dev.jobflow.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps everything an entity tells its listener and its health observer. */
final class RecordingObserver implements FlowListener, EngineHealth {
  final List<FlowStatusUpdate> updates = new CopyOnWriteArrayList<>();
  final List<FlowEvent> events = new CopyOnWriteArrayList<>();
  final List<FlowId> passivated = new CopyOnWriteArrayList<>();
  final List<FlowId> resumed = new CopyOnWriteArrayList<>();
  /** Started minus stopped, as the actors-alive gauge counts them. */
  final AtomicInteger flowActorsAlive = new AtomicInteger();
  final AtomicInteger stepActorsAlive = new AtomicInteger();
  final AtomicInteger recoveries = new AtomicInteger();
  final AtomicInteger recoveryFailures = new AtomicInteger();
  final AtomicInteger persistFailures = new AtomicInteger();

  @Override
  public void statusChanged(FlowStatusUpdate update) {
    updates.add(update);
  }

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    events.add(event);
  }

  @Override
  public void passivated(FlowId flow) {
    passivated.add(flow);
  }

  @Override
  public void resumed(FlowId flow) {
    resumed.add(flow);
  }

  @Override
  public void actorStarted(boolean step) {
    (step ? stepActorsAlive : flowActorsAlive).incrementAndGet();
  }

  @Override
  public void actorStopped(boolean step) {
    (step ? stepActorsAlive : flowActorsAlive).decrementAndGet();
  }

  @Override
  public void recovered(String uid, java.time.Duration took) {
    recoveries.incrementAndGet();
  }

  @Override
  public void recoveryFailed(String uid, java.time.Duration took) {
    recoveryFailures.incrementAndGet();
  }

  @Override
  public void persistFailed(String uid) {
    persistFailures.incrementAndGet();
  }

  FlowStatusUpdate last() {
    return updates.get(updates.size() - 1);
  }

  List<String> eventTypes() {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.getClass().getSimpleName()));
    return out;
  }
}
