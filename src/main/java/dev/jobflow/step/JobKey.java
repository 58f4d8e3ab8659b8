package dev.jobflow.step;

import java.util.Objects;

/** Where a Job lives: its namespace and name. */
public record JobKey(String namespace, String name) {
  public JobKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
