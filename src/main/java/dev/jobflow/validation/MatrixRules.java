package dev.jobflow.validation;

import dev.jobflow.api.FanOutLimits;
import dev.jobflow.dag.StaticItems;
import java.util.List;
import java.util.Map;

/** A step's {@code matrix}: named, non-empty lists whose product (the number of instances) is within maxItems. */
final class MatrixRules {
  private MatrixRules() {}

  static void checkStep(StepAt at, FanOutLimits limits, List<Problem> problems) {
    Map<String, List<String>> matrix = at.step().getMatrix();
    if (matrix == null) {
      return;
    }
    String path = at.at("matrix");
    if (matrix.isEmpty()) {
      problems.add(new Problem(path, "an empty matrix has no combination: name at least one list"));
      return;
    }
    for (Map.Entry<String, List<String>> axis : matrix.entrySet()) {
      if (axis.getValue() == null || axis.getValue().isEmpty()) {
        problems.add(new Problem(path + "." + axis.getKey(), "an empty list leaves the matrix without a combination"));
      }
    }
    long size = StaticItems.productSize(matrix);
    int limit = limits.effectiveMaxItems(at.step().getMaxItems());
    if (size > limit) {
      List<String> sizes = matrix.entrySet().stream()
          .map(e -> e.getKey() + " " + (e.getValue() == null ? 0 : e.getValue().size())).toList();
      problems.add(new Problem(path, "the product of its lists (" + String.join(" x ", sizes) + ") is "
          + (size == Long.MAX_VALUE ? "beyond " + Long.MAX_VALUE : String.valueOf(size))
          + " combinations, more than maxItems (" + limit + ")"));
    }
  }
}
