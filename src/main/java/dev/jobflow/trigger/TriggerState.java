package dev.jobflow.trigger;

import dev.jobflow.flow.JsonSerializable;
import dev.jobflow.trigger.TriggerEvent.AlertAccepted;
import dev.jobflow.trigger.TriggerEvent.TriggerDeleted;
import dev.jobflow.trigger.TriggerEvent.TriggeredFlowCreated;
import dev.jobflow.trigger.TriggerEvent.TriggeredFlowFailed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trigger as its journal tells it: the firings accepted within the longest window (by fingerprint), the flows not
 * created yet, and the times of the latest acceptances (what the rate limit counts). Immutable, bounded, and its own
 * snapshot.
 *
 * @param sequence firings accepted so far: the next one's number, part of its flow's name
 * @param recent the latest acceptance per fingerprint, for at most {@link TriggerValidator#MAX_WINDOW}
 * @param pending accepted firings whose flow is not known to exist, by flow name
 * @param acceptedTimes the last {@link TriggerValidator#MAX_RATE_FLOWS} acceptance times, oldest first
 */
public record TriggerState(long sequence, Map<String, Recent> recent, Map<String, Pending> pending,
                           List<Instant> acceptedTimes, long flowsCreated, String lastFlow, Instant lastTriggered,
                           boolean deleted) implements JsonSerializable {

  /** The flow a fingerprint was last accepted for, and when. */
  public record Recent(String flowName, Instant acceptedAt) implements JsonSerializable {}

  /** An accepted firing whose flow is to be created. */
  public record Pending(String fingerprint, String alertName, Map<String, String> parameters, Instant acceptedAt)
      implements JsonSerializable {}

  public TriggerState {
    recent = Collections.unmodifiableMap(new LinkedHashMap<>(recent == null ? Map.of() : recent));
    pending = Collections.unmodifiableMap(new LinkedHashMap<>(pending == null ? Map.of() : pending));
    acceptedTimes = List.copyOf(acceptedTimes == null ? List.of() : acceptedTimes);
  }

  public static TriggerState empty() {
    return new TriggerState(0, Map.of(), Map.of(), List.of(), 0, null, null, false);
  }

  /** The flow a firing with {@code fingerprint} at {@code now} repeats, or null when it is new. */
  public Recent duplicateOf(String fingerprint, Instant now, Duration window) {
    Recent r = recent.get(fingerprint);
    return r != null && now.isBefore(r.acceptedAt().plus(window)) ? r : null;
  }

  /** How long until one more flow may be created under {@code flows} per {@code period}; null: now. */
  public Duration rateLimited(Instant now, int flows, Duration period) {
    if (flows <= 0) {
      return null;
    }
    Instant since = now.minus(period);
    List<Instant> inPeriod = acceptedTimes.stream().filter(t -> t.isAfter(since)).toList();
    if (inPeriod.size() < flows) {
      return null;
    }
    Instant freeAt = inPeriod.get(inPeriod.size() - flows).plus(period);
    return Duration.between(now, freeAt);
  }

  public TriggerState apply(TriggerEvent event) {
    Map<String, Recent> r = new LinkedHashMap<>(recent);
    Map<String, Pending> p = new LinkedHashMap<>(pending);
    if (event instanceof AlertAccepted e) {
      Instant at = e.meta().at();
      r.values().removeIf(old -> !old.acceptedAt().isAfter(at.minus(TriggerValidator.MAX_WINDOW)));
      r.remove(e.fingerprint()); // re-inserted last: the map stays in acceptance order
      r.put(e.fingerprint(), new Recent(e.flowName(), at));
      p.put(e.flowName(), new Pending(e.fingerprint(), e.alertName(), e.parameters(), at));
      List<Instant> times = new ArrayList<>(acceptedTimes);
      times.add(at);
      if (times.size() > TriggerValidator.MAX_RATE_FLOWS) {
        times = times.subList(times.size() - TriggerValidator.MAX_RATE_FLOWS, times.size());
      }
      return new TriggerState(sequence + 1, r, p, times, flowsCreated, e.flowName(), at, deleted);
    } else if (event instanceof TriggeredFlowCreated e) {
      boolean wasPending = p.remove(e.flowName()) != null;
      return new TriggerState(sequence, r, p, acceptedTimes, flowsCreated + (wasPending ? 1 : 0), lastFlow,
          lastTriggered, deleted);
    } else if (event instanceof TriggeredFlowFailed e) {
      p.remove(e.flowName());
      Recent last = r.get(e.fingerprint());
      if (last != null && last.flowName().equals(e.flowName())) {
        r.remove(e.fingerprint());
      }
      return new TriggerState(sequence, r, p, acceptedTimes, flowsCreated, lastFlow, lastTriggered, deleted);
    } else if (event instanceof TriggerDeleted) {
      return new TriggerState(sequence, r, p, acceptedTimes, flowsCreated, lastFlow, lastTriggered, true);
    }
    return this;
  }
}
