package dev.jobflow.flow;

import com.typesafe.config.Config;
import dev.jobflow.api.FanOutLimits;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The engine's settings ({@code jobflow.engine} in {@code conf/application.conf}).
 *
 * @param snapshotEvery a snapshot after this many events of one flow (more for large flows, see {@link #snapshotInterval})
 * @param keepSnapshots snapshots kept per flow; older snapshots are deleted, events never are (the audit trail)
 * @param instanceId this controller instance, written into every event
 * @param tagShards 0: events are tagged {@code jobflow} (and as {@link FlowTags} says); more: each is also tagged
 *     {@code jobflow-<n>}, n in 0..tagShards-1, by flow uid, for readers that split the journal by tag
 * @param createMinBackoff first delay before retrying a failed Job creation (API errors)
 * @param createMaxBackoff longest delay between Job creation retries
 * @param fanOut the fan-out cap ({@code jobflow.engine.fan-out}): recorded in each flow as it is accepted, and the
 *     admission webhook refuses what it would refuse
 */
public record EngineSettings(int snapshotEvery, int keepSnapshots, String instanceId, int tagShards,
                             Duration createMinBackoff, Duration createMaxBackoff, FanOutLimits fanOut) {
  public EngineSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("jobflow.engine.snapshot-every must be >= 1, was " + snapshotEvery);
    }
    if (keepSnapshots < 1) {
      throw new IllegalArgumentException("jobflow.engine.keep-snapshots must be >= 1, was " + keepSnapshots);
    }
    if (tagShards < 0) {
      throw new IllegalArgumentException("jobflow.engine.tag-shards must be >= 0, was " + tagShards);
    }
    fanOut = fanOut == null ? FanOutLimits.DEFAULT : fanOut;
  }

  /** Reads {@code jobflow.engine} from the (application) config. */
  public static EngineSettings from(Config root) {
    Config c = root.getConfig("jobflow.engine");
    String id = c.getString("instance-id");
    return new EngineSettings(c.getInt("snapshot-every"), c.getInt("keep-snapshots"),
        id.isBlank() ? defaultInstanceId() : id, c.getInt("tag-shards"),
        c.getDuration("create-retry.min-backoff"), c.getDuration("create-retry.max-backoff"), fanOutLimits(root));
  }

  /**
   * Reads {@code jobflow.engine.fan-out}: the one place the cap is read, for the engine and for the admission webhook
   * (also when it runs as its own Deployment, {@code jobflow webhook}).
   */
  public static FanOutLimits fanOutLimits(Config root) {
    return new FanOutLimits(root.getInt("jobflow.engine.fan-out.max-items-cap"));
  }

  /** Defaults for tests and tools. */
  public static EngineSettings defaults(String instanceId) {
    return new EngineSettings(100, 2, instanceId, 0, Duration.ofSeconds(1), Duration.ofSeconds(30),
        FanOutLimits.DEFAULT);
  }

  public EngineSettings withSnapshotEvery(int n) {
    return new EngineSettings(n, keepSnapshots, instanceId, tagShards, createMinBackoff, createMaxBackoff, fanOut);
  }

  public EngineSettings withFanOut(FanOutLimits limits) {
    return new EngineSettings(snapshotEvery, keepSnapshots, instanceId, tagShards, createMinBackoff, createMaxBackoff,
        limits);
  }

  /**
   * Events between snapshots of a flow of {@code steps} steps: {@code snapshotEvery}, or the number of steps when
   * larger. A snapshot costs as much as the flow is large; spacing them by its size keeps their share of the work
   * constant (a 10,000-step flow would otherwise spend most of its time writing snapshots).
   */
  public int snapshotInterval(int steps) {
    return Math.max(snapshotEvery, steps);
  }

  /**
   * The shard tag of a flow, or null without shard tags: stable across restarts, so a query per shard sees all of a
   * flow's events.
   */
  public String shardTag(String uid) {
    if (tagShards == 0) {
      return null;
    }
    return FlowTags.ALL + "-" + Math.floorMod(uid.hashCode(), tagShards);
  }

  private static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    // RuntimeMXBean's name is "pid@host": the pid tells apart restarts on one host.
    return host + "/" + ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
  }
}
