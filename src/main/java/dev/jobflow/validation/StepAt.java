package dev.jobflow.validation;

import dev.jobflow.api.Step;

/** A step together with where it sits in the flow, e.g. {@code spec.finally[0]}. */
record StepAt(Step step, String path, boolean isFinally, int index) {

  String at(String field) {
    return path + "." + field;
  }
}
