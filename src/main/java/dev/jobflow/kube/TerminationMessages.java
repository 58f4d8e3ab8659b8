package dev.jobflow.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.step.JobResults;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A step's outputs and exit code, read from its Job's pods: each container may write a JSON object of string values
 * to its termination message (Kubernetes' own mechanism: {@code /dev/termination-log}, at most 4 KiB per container).
 * The outputs of a succeeded Job are those of its succeeded pods, merged (the same key twice with different values
 * is an error); the exit code of a failed Job is that of the first failed container of its last failed pod.
 */
final class TerminationMessages {
  /** What the kubelet keeps of one container's termination message. */
  static final int MAX_BYTES = 4096;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TerminationMessages() {}

  static JobResults results(List<Pod> pods) {
    List<Pod> succeeded = pods.stream().filter(p -> "Succeeded".equals(phase(p))).toList();
    if (!succeeded.isEmpty()) {
      return outputs(succeeded);
    }
    return pods.stream().filter(p -> "Failed".equals(phase(p)))
        .max(Comparator.comparing(TerminationMessages::startTime))
        .map(p -> new JobResults(Map.of(), failedExitCode(p), null))
        .orElse(JobResults.NONE);
  }

  private static JobResults outputs(List<Pod> pods) {
    Map<String, String> outputs = new TreeMap<>();
    Map<String, String> writer = new TreeMap<>();
    for (Pod pod : pods) {
      for (ContainerStatus c : containers(pod)) {
        ContainerStateTerminated t = c.getState() == null ? null : c.getState().getTerminated();
        String message = t == null ? null : t.getMessage();
        if (message == null || message.isBlank()) {
          continue;
        }
        String who = "container " + c.getName() + " of pod " + pod.getMetadata().getName();
        String problem = read(message, who, outputs, writer);
        if (problem != null) {
          return JobResults.bad(problem);
        }
      }
    }
    return new JobResults(outputs, 0, null);
  }

  /** Adds one container's outputs; returns what is wrong with them, or null. */
  private static String read(String message, String who, Map<String, String> outputs, Map<String, String> writer) {
    int bytes = message.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return "the termination message of " + who + " is " + bytes + " bytes; outputs are at most " + MAX_BYTES;
    }
    JsonNode doc;
    try {
      doc = MAPPER.readTree(message);
    } catch (JsonProcessingException e) {
      return "the termination message of " + who + " is not JSON (" + e.getOriginalMessage() + "): " + excerpt(message);
    }
    if (doc == null || !doc.isObject()) {
      return "the termination message of " + who + " is not a JSON object of strings: " + excerpt(message);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        return "output '" + field.getKey() + "' of " + who + " is " + field.getValue().getNodeType().name().toLowerCase()
            + ", not a string: write {\"" + field.getKey() + "\": \"" + field.getValue().asText() + "\"}";
      }
      String value = field.getValue().asText();
      String before = outputs.putIfAbsent(field.getKey(), value);
      if (before != null && !before.equals(value)) {
        return "output '" + field.getKey() + "' is '" + before + "' in " + writer.get(field.getKey()) + " but '" + value
            + "' in " + who;
      }
      writer.putIfAbsent(field.getKey(), who);
    }
    return null;
  }

  private static Integer failedExitCode(Pod pod) {
    for (ContainerStatus c : containers(pod)) {
      ContainerStateTerminated t = c.getState() == null ? null : c.getState().getTerminated();
      if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
        return t.getExitCode();
      }
    }
    return null;
  }

  private static List<ContainerStatus> containers(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of() : pod.getStatus().getContainerStatuses();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static String startTime(Pod pod) {
    String t = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    return t == null ? "" : t;
  }

  private static String excerpt(String message) {
    String line = message.strip().replace('\n', ' ');
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }
}
