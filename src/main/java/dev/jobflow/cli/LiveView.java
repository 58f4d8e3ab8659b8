package dev.jobflow.cli;

import java.time.Instant;
import java.util.List;

/** How a followed flow is shown while it runs, and once it has ended (or the wait ran out). */
interface LiveView {
  /** Called on every change, and every {@link #tick()} when that is not null. */
  void show(List<FlowWatch.Seen> flows, Instant now);

  /** Called once at the end, with the last states seen. */
  void end(List<FlowWatch.Seen> flows, Instant now);

  /** How often to redraw without a change (durations tick on); null: only on changes. */
  default java.time.Duration tick() {
    return null;
  }
}
