package dev.jobflow.audit;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowTags;
import dev.jobflow.api.GoDuration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads flows' histories back from the event journal with Akka persistence query (akka-persistence-jdbc's
 * {@link JdbcReadJournal}); it never writes.
 *
 * <p>Finding the flows of a namespace/name: each flow's first event ({@code FlowAccepted}, which carries the
 * name) is tagged {@link FlowTags#name}, so one indexed tag query finds every uid the name ever had, in the order
 * they were accepted, without reading the first event of every flow in the journal.
 */
public final class FlowHistory {
  private static final String PID_PREFIX = FlowEntity.ENTITY_TYPE + "|";

  private final ActorSystem<?> system;
  private volatile JdbcReadJournal journal;

  /** A reader over the system's jdbc read journal, started on first use (it polls the database once running). */
  public FlowHistory(ActorSystem<?> system) {
    this.system = system;
  }

  private JdbcReadJournal journal() {
    if (journal == null) {
      journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }
    return journal;
  }

  /** One flow that ran under a name: its uid and when it was accepted. */
  public record FlowRun(FlowId id, String persistenceId, Instant acceptedAt) {}

  /** A flow's events, oldest first. */
  public record FlowTimeline(FlowRun run, List<TimelineEntry> events) {}

  /** Every flow ever run as {@code namespace/name}, oldest first (the current one, if any, last). */
  public CompletionStage<List<FlowRun>> runs(String namespace, String name) {
    return journal().currentEventsByTag(FlowTags.name(namespace, name), Offset.noOffset())
        .filter(env -> env.event() instanceof FlowEvent.FlowAccepted a
            && namespace.equals(a.definition().namespace()) && name.equals(a.definition().name()))
        .map(env -> {
          FlowEvent.FlowAccepted a = (FlowEvent.FlowAccepted) env.event();
          return new FlowRun(a.definition().id(), env.persistenceId(), a.meta().at());
        })
        .runWith(Sink.seq(), system);
  }

  /** The timelines of the flows of that name (only {@code uid}'s when not null), oldest flow first. */
  public CompletionStage<List<FlowTimeline>> history(String namespace, String name, String uid) {
    return runs(namespace, name).thenCompose(runs -> {
      CompletionStage<List<FlowTimeline>> all = CompletableFuture.completedFuture(new ArrayList<>());
      for (FlowRun run : runs) {
        if (uid != null && !uid.equals(run.id().uid())) {
          continue;
        }
        all = all.thenCompose(list -> timeline(run).thenApply(t -> {
          list.add(t);
          return list;
        }));
      }
      return all.thenApply(Collections::unmodifiableList);
    });
  }

  /** Every event of one flow. */
  public CompletionStage<FlowTimeline> timeline(FlowRun run) {
    return journal().currentEventsByPersistenceId(run.persistenceId(), 0L, Long.MAX_VALUE)
        .map(env -> TimelineEntry.of(run.id(), env.sequenceNr(), (FlowEvent) env.event()))
        .runWith(Sink.seq(), system)
        .thenApply(events -> new FlowTimeline(run, List.copyOf(events)));
  }

  /**
   * Events of all flows in the order they were written (the {@code jobflow} tag every event carries).
   *
   * @param since only events that happened at or after it; null: all
   * @param namespace only flows of this namespace; null: all
   * @param follow keep streaming events as they are written (never completes)
   */
  public Source<TimelineEntry, NotUsed> all(Instant since, String namespace, boolean follow) {
    Source<EventEnvelope, NotUsed> events = follow
        ? journal().eventsByTag(FlowTags.ALL, Offset.noOffset())
        : journal().currentEventsByTag(FlowTags.ALL, Offset.noOffset());
    // From the start even with `since`: each flow's first event names its namespace and name.
    return events.statefulMapConcat(() -> {
      Map<String, FlowId> ids = new HashMap<>();
      return env -> {
        FlowEvent event = (FlowEvent) env.event();
        if (event instanceof FlowEvent.FlowAccepted a) {
          ids.put(env.persistenceId(), a.definition().id());
        }
        FlowId id = ids.getOrDefault(env.persistenceId(), new FlowId(null, null, uidOf(env.persistenceId())));
        boolean wanted = (since == null || !event.meta().at().isBefore(since))
            && (namespace == null || namespace.equals(id.namespace()));
        return wanted ? List.of(TimelineEntry.of(id, env.sequenceNr(), event)) : List.of();
      };
    });
  }

  /** The persistence ids of every flow in the journal. */
  public CompletionStage<List<String>> flows() {
    return journal().currentPersistenceIds().filter(pid -> pid.startsWith(PID_PREFIX)).runWith(Sink.seq(), system)
        .thenApply(pids -> pids.stream().sorted().toList());
  }

  /** Recomputes the hash chain of one flow. */
  public CompletionStage<ChainReport> verify(String persistenceId) {
    List<ChainVerifier.Stored> stored = new ArrayList<>();
    return journal().currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runForeach(env -> stored.add(new ChainVerifier.Stored(env.sequenceNr(), (FlowEvent) env.event())), system)
        .handle((done, failure) -> {
          FlowId id = new FlowId(null, null, uidOf(persistenceId));
          if (!stored.isEmpty() && stored.get(0).event() instanceof FlowEvent.FlowAccepted a) {
            id = a.definition().id();
          }
          return ChainVerifier.verify(id, persistenceId, stored, failure);
        });
  }

  /** RFC 3339, a date (UTC midnight) or a Go duration before {@code now}. */
  public static Instant parseTime(String text, Instant now) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notDate) {
        if (GoDuration.isValid(text)) {
          return now.minus(GoDuration.parse(text));
        }
      }
    }
    throw new IllegalArgumentException("since '" + text + "' is not a time (2026-11-23T08:00:00Z), a date "
        + "(2026-11-23) or a duration ago (24h)");
  }

  public static String persistenceId(String uid) {
    return FlowEntity.persistenceId(uid).id();
  }

  private static String uidOf(String persistenceId) {
    return persistenceId.startsWith(PID_PREFIX) ? persistenceId.substring(PID_PREFIX.length()) : persistenceId;
  }
}
