package dev.jobflow.metrics;

import java.nio.file.Path;

/** The checkout the tests run in (surefire passes it; IDEs run from it). */
final class ProjectFiles {
  private ProjectFiles() {}

  static Path dir() {
    String configured = System.getProperty("jobflow.project.dir");
    return configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
  }
}
