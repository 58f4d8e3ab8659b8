package dev.jobflow.ui;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.flow.StepView;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The web view's copy of every flow's status, fed by the flow entities' own status updates (the same ones the
 * status writer turns into the status subresource), so the view is live without asking the API server.
 *
 * <p>Updates are folded in and handed to listeners under one lock, and a subscription takes its snapshot under
 * that lock too: a listener sees every change after its snapshot, in order, and none before. Listeners run on
 * the entities' threads and must not block (the SSE streams offer to a bounded queue).
 */
public final class LiveFlows implements FlowListener {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LiveFlows.class);

  /** A flow's status now; {@code version} grows with every change of this flow. */
  public record Flow(FlowId id, long version, FlowSummary summary, List<StepView> steps) {}

  /**
   * One change: {@code steps} are the steps that changed (all of them when {@code complete}); {@code removed}
   * when the JobFlow was deleted.
   */
  public record Change(FlowId id, long version, FlowSummary summary, List<StepView> steps, boolean complete,
                       boolean removed) {}

  /** Called under the lock: hand the change off and return. */
  public interface Listener {
    void changed(Change change);
  }

  private static final class Live {
    final FlowId id;
    final Map<String, StepView> steps = new LinkedHashMap<>();
    FlowSummary summary;
    long version;

    Live(FlowId id) {
      this.id = id;
    }

    Flow snapshot() {
      return new Flow(id, version, summary, List.copyOf(steps.values()));
    }
  }

  private final Map<String, Live> byUid = new HashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void statusChanged(FlowStatusUpdate update) {
    Change change;
    synchronized (this) {
      Live live = byUid.computeIfAbsent(update.flow().uid(), uid -> new Live(update.flow()));
      if (update.complete()) {
        live.steps.clear();
      }
      for (StepView step : update.steps()) {
        live.steps.put(step.name(), step);
      }
      live.summary = update.summary();
      live.version++;
      change = new Change(live.id, live.version, update.summary(), update.steps(), update.complete(), false);
      publish(change);
    }
  }

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    if (event instanceof FlowEvent.FlowDeleted) {
      synchronized (this) {
        Live live = byUid.remove(flow.uid());
        if (live != null) {
          publish(new Change(live.id, live.version + 1, live.summary, List.of(), false, true));
        }
      }
    }
  }

  private void publish(Change change) {
    for (Listener l : listeners) {
      try {
        l.changed(change);
      } catch (RuntimeException e) {
        // The entity that called must never fail for the web view: drop the listener, its stream reconnects.
        log.warn("dropping a web view listener that failed on {}: {}", change.id(), e.toString());
        listeners.remove(l);
      }
    }
  }

  /** The current status of the flow with this uid, if an entity has reported it since the controller started. */
  public synchronized Optional<Flow> flow(String uid) {
    Live live = byUid.get(uid);
    return live == null || live.summary == null ? Optional.empty() : Optional.of(live.snapshot());
  }

  /** Every flow's summary (steps left out), keyed by uid. */
  public synchronized Map<String, Flow> summaries() {
    Map<String, Flow> out = new HashMap<>();
    byUid.forEach((uid, live) -> out.put(uid, new Flow(live.id, live.version, live.summary, List.of())));
    return out;
  }

  /**
   * Registers {@code listener} and gives the state it starts from, atomically: {@code start} runs under the lock
   * with the snapshot (every flow's summary), before any change reaches the listener.
   */
  public synchronized AutoCloseable subscribe(Listener listener, java.util.function.Consumer<Map<String, Flow>> start) {
    start.accept(summaries());
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** As {@link #subscribe(Listener, java.util.function.Consumer)} for one flow, starting from its full status. */
  public synchronized AutoCloseable subscribe(String uid, Listener listener,
      java.util.function.Consumer<Optional<Flow>> start) {
    start.accept(flow(uid));
    Listener one = c -> {
      if (c.id().uid().equals(uid)) {
        listener.changed(c);
      }
    };
    listeners.add(one);
    return () -> listeners.remove(one);
  }

  /** How many listeners are registered (open streams), for tests and diagnostics. */
  public int listeners() {
    return listeners.size();
  }
}
