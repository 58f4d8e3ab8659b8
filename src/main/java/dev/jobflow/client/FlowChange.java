package dev.jobflow.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.JobFlow;

/**
 * A change a person asks of one flow (suspend it, stop it, ...): whether the flow's state allows it,
 * whether it is already made, and the patch of {@code spec} that makes it. A new verb (retry, approve)
 * is one more implementation; {@link FlowChanges} applies any of them.
 */
public interface FlowChange {
  /** The verb as users type it: {@code suspend}, {@code resume}, ... */
  String verb();

  /** Why the flow, as it is now, cannot take this change ("it already Succeeded"); null when it can. */
  String refusal(JobFlow flow);

  /** True when the flow already is as this change would make it: applying it changes nothing. */
  boolean alreadyMade(JobFlow flow);

  /** Writes this change's fields into {@code spec} of a JSON merge patch. */
  void patchSpec(ObjectNode spec);

  /** Writes this change's fields into {@code metadata} of the same patch (annotations); none by default. */
  default void patchMetadata(ObjectNode metadata, JobFlow flow) {}

  /** What the change did, after the flow's name: "suspended: no new step starts; running steps finish". */
  String made();

  /** Why nothing changed, after the flow's name: "is already suspended". */
  String unchanged(JobFlow flow);
}
