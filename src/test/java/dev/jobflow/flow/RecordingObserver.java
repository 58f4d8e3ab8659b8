package dev.jobflow.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything an entity tells its observer. */
final class RecordingObserver implements FlowObserver {
  final List<FlowStatusUpdate> updates = new CopyOnWriteArrayList<>();
  final List<FlowEvent> events = new CopyOnWriteArrayList<>();
  final List<FlowId> passivated = new CopyOnWriteArrayList<>();

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

  FlowStatusUpdate last() {
    return updates.get(updates.size() - 1);
  }

  List<String> eventTypes() {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.getClass().getSimpleName()));
    return out;
  }
}
