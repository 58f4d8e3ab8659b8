package dev.jobflow.cli;

/** {@code -o}: for people (table, wide: more columns) or for programs (json, yaml: the objects as the API has them). */
enum OutputFormat {
  table, wide, json, yaml;

  boolean isObjects() {
    return this == json || this == yaml;
  }
}
