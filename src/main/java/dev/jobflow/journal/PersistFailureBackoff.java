package dev.jobflow.journal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.SupervisorStrategy;
import com.typesafe.config.Config;
import java.time.Duration;
import org.slf4j.event.Level;

/**
 * How long an event-sourced entity waits before it restarts (and replays its journal) after a write
 * failed, e.g. while the database is unreachable. Pass {@link #strategy()} to the
 * {@code EventSourcedBehavior} constructor: Akka never resumes after a failed persist, because it
 * cannot know whether the event was stored; the replay after the restart tells.
 */
public record PersistFailureBackoff(Duration min, Duration max, double randomFactor) {

  public PersistFailureBackoff {
    if (min.isNegative() || min.isZero()) {
      throw new IllegalArgumentException("jobflow.journal.persist-failure-backoff.min must be positive, was " + min);
    }
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("jobflow.journal.persist-failure-backoff.max (" + max
          + ") must not be below min (" + min + ")");
    }
    if (randomFactor < 0 || randomFactor > 1) {
      throw new IllegalArgumentException(
          "jobflow.journal.persist-failure-backoff.random-factor must be within 0..1, was " + randomFactor);
    }
  }

  /** Reads {@code min}, {@code max} and {@code random-factor} from a {@code persist-failure-backoff} block. */
  public static PersistFailureBackoff fromConfig(Config c) {
    return new PersistFailureBackoff(c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
  }

  /** {@code jobflow.journal.persist-failure-backoff} of the actor system's config, or 1s..30s when absent. */
  public static PersistFailureBackoff of(Config systemConfig) {
    String path = "jobflow.journal.persist-failure-backoff";
    return systemConfig.hasPath(path) ? fromConfig(systemConfig.getConfig(path))
        : new PersistFailureBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }

  /**
   * {@link #strategy()} of {@link #of the system's config}, built once per actor system: every entity passes it to
   * its constructor, and one per entity was config lookups each time and 128 bytes of each idle flow's heap.
   */
  public static BackoffSupervisorStrategy strategyOf(ActorSystem<?> system) {
    try {
      return PerSystem.ID.apply(system).strategy;
    } catch (UnsupportedOperationException e) {
      return of(system.settings().config()).strategy(); // a testkit's stub system, which has no extensions
    }
  }

  /** The strategy an actor system's entities share. */
  static final class PerSystem implements Extension {
    static final ExtensionId<PerSystem> ID = new ExtensionId<>() {
      @Override
      public PerSystem createExtension(ActorSystem<?> system) {
        return new PerSystem(of(system.settings().config()).strategy());
      }
    };

    final BackoffSupervisorStrategy strategy;

    private PerSystem(BackoffSupervisorStrategy strategy) {
      this.strategy = strategy;
    }
  }

  /**
   * Restart with this backoff. A database outage fails every busy entity at once, so single failures log at
   * WARN and only an entity failing 10 times in a row (a long outage) logs at ERROR.
   */
  public BackoffSupervisorStrategy strategy() {
    return SupervisorStrategy.restartWithBackoff(min, max, randomFactor)
        .withLogLevel(Level.WARN)
        .withCriticalLogLevel(Level.ERROR, 10);
  }
}
