package dev.jobflow.template;

import dev.jobflow.api.JobFlowTemplate;
import java.util.Collection;
import java.util.List;

/** Where templates are found: the API server ({@link ClusterTemplates}), or the files given to the CLI. */
@FunctionalInterface
public interface TemplateLookup {
  /**
   * The template of that name in that namespace, or null when there is none.
   *
   * @throws TemplateLookupException when it cannot be known (the API server did not answer)
   */
  JobFlowTemplate find(String namespace, String name);

  /** These templates only; one without a namespace (as in a file that names none) is found in any. */
  static TemplateLookup of(Collection<JobFlowTemplate> templates) {
    List<JobFlowTemplate> all = List.copyOf(templates);
    return (namespace, name) -> {
      for (JobFlowTemplate t : all) {
        String ns = t.getMetadata().getNamespace();
        if (name.equals(t.getMetadata().getName()) && (ns == null || namespace == null || ns.equals(namespace))) {
          return t;
        }
      }
      return null;
    };
  }

  /** A lookup that failed: the answer is unknown, which is not the same as "no such template". */
  final class TemplateLookupException extends RuntimeException {
    public TemplateLookupException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
