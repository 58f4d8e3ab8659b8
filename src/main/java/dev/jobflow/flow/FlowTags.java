package dev.jobflow.flow;

import java.util.HashSet;
import java.util.Set;

/**
 * The tags of flow events, for the journal's tag queries. Every event carries {@link #ALL}, and its flow's shard tag
 * when shard tags are configured ({@link EngineSettings#shardTag}); a flow's first event ({@code FlowAccepted}, the one that names the flow) also
 * carries its name tag, so the audit trail finds every flow that ever ran under a name with one indexed query.
 * The events that notifications are made of also carry {@link #NOTIFY}, so the notifier reads only those.
 */
public final class FlowTags {
  /** On every event of every flow: the audit trail's "all events in the order written". */
  public static final String ALL = "jobflow";
  /** On the events a notification may be sent for (docs/notifications.md); events written before it lack it. */
  public static final String NOTIFY = "jobflow-notify";
  private static final String NAME_PREFIX = "jf:";
  // PostgreSQL's event_tag.tag is VARCHAR(256); a namespace (63) and a name (253) can be longer.
  private static final int MAX_PLAIN_NAME = 200;

  private FlowTags() {}

  /** The tag of the first event of every flow named {@code namespace/name}: {@code jf:ns/name}, hashed when long. */
  public static String name(String namespace, String name) {
    String plain = NAME_PREFIX + namespace + "/" + name;
    return plain.length() <= MAX_PLAIN_NAME ? plain : NAME_PREFIX + "sha256:" + HashChain.sha256(namespace + "/" + name);
  }

  /** The tags of one event of the flow with this uid; {@code shardTag} null when shard tags are off. */
  static Set<String> of(FlowEvent event, String shardTag) {
    Set<String> tags = new HashSet<>(4);
    tags.add(ALL);
    if (shardTag != null) {
      tags.add(shardTag);
    }
    if (event instanceof FlowEvent.FlowAccepted accepted) {
      tags.add(name(accepted.definition().namespace(), accepted.definition().name()));
    }
    if (notifiable(event)) {
      tags.add(NOTIFY);
    }
    return tags;
  }

  /** The facts a notification may be made of: a flow started or finished, a step failed, an approval requested. */
  public static boolean notifiable(FlowEvent event) {
    return event instanceof FlowEvent.FlowAccepted || event instanceof FlowEvent.FlowSucceeded
        || event instanceof FlowEvent.FlowFailed || event instanceof FlowEvent.FlowCancelled
        || event instanceof FlowEvent.StepFailed || event instanceof FlowEvent.StepApprovalRequested;
  }
}
