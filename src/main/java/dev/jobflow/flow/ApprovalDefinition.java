package dev.jobflow.flow;

import java.time.Duration;
import java.util.List;

/**
 * An approval step as the engine runs it (from {@link dev.jobflow.api.Approval}).
 *
 * @param timeout how long it waits for a decision, null for ever
 * @param approveOnTimeout true: the timeout approves it; false: the step fails with {@code ApprovalTimedOut}
 */
public record ApprovalDefinition(String message, Duration timeout, boolean approveOnTimeout, List<String> users,
                                 List<String> groups) implements JsonSerializable {
  public ApprovalDefinition {
    users = users == null ? List.of() : List.copyOf(users);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** Whether this person may decide: named among the users, or a member of one of the groups. */
  public boolean allows(String user, List<String> userGroups) {
    return users.contains(user) || (userGroups != null && userGroups.stream().anyMatch(groups::contains));
  }
}
