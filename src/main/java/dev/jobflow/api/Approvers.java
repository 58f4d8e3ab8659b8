package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Who may approve or reject a step: Kubernetes user names and groups, as the API server authenticates them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Approvers {
  @JsonPropertyDescription("User names (as in the admission request's userInfo.username).")
  private List<String> users = new ArrayList<>();

  @JsonPropertyDescription("Groups (as in userInfo.groups); any member may decide.")
  private List<String> groups = new ArrayList<>();

  public Approvers() {}

  public Approvers(List<String> users, List<String> groups) {
    this.users = users == null ? new ArrayList<>() : new ArrayList<>(users);
    this.groups = groups == null ? new ArrayList<>() : new ArrayList<>(groups);
  }

  public List<String> getUsers() { return users; }
  public void setUsers(List<String> users) { this.users = users; }
  public List<String> getGroups() { return groups; }
  public void setGroups(List<String> groups) { this.groups = groups; }
}
