package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.step.JobResults;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outputs and exit codes as the kubelet leaves them in a finished Job's Pods. */
class TerminationMessagesTest {

  static Pod pod(String name, String phase, String start, Object... containers) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().withPhase(phase).withStartTime(start).endStatus();
    var statuses = new java.util.ArrayList<io.fabric8.kubernetes.api.model.ContainerStatus>();
    for (int i = 0; i < containers.length; i += 3) {
      statuses.add(new ContainerStatusBuilder().withName((String) containers[i]).withNewState().withNewTerminated()
          .withExitCode((Integer) containers[i + 1]).withMessage((String) containers[i + 2]).endTerminated().endState()
          .build());
    }
    Pod pod = b.build();
    pod.getStatus().setContainerStatuses(statuses);
    return pod;
  }

  @Test
  void theSucceededPodsContainersAreMerged() {
    JobResults r = TerminationMessages.results(List.of(
        pod("p1", "Failed", "2026-01-01T00:00:00Z", "main", 1, "oops"),
        pod("p2", "Succeeded", "2026-01-01T00:01:00Z", "main", 0, "{\"rows\":\"1200\"}", "side", 0, "{\"table\":\"t\"}",
            "quiet", 0, null)));
    assertEquals(Map.of("rows", "1200", "table", "t"), r.outputs());
    assertEquals(0, r.exitCode());
    assertNull(r.problem());
  }

  @Test
  void aFailedJobTellsTheExitCodeOfItsLastFailedPod() {
    JobResults r = TerminationMessages.results(List.of(
        pod("p1", "Failed", "2026-01-01T00:00:00Z", "main", 1, null),
        pod("p2", "Failed", "2026-01-01T00:05:00Z", "init-ok", 0, null, "main", 3, "tail of the log")));
    assertEquals(3, r.exitCode());
    assertEquals(Map.of(), r.outputs());
    assertEquals(JobResults.NONE, TerminationMessages.results(List.of()), "no Pod left: nothing to tell");
  }

  @Test
  void badMessagesSayWhichContainerWroteWhat() {
    assertTrue(TerminationMessages.results(List.of(pod("p", "Succeeded", "t", "main", 0, "done")))
        .problem().contains("the termination message of container main of pod p is not JSON"));
    assertTrue(TerminationMessages.results(List.of(pod("p", "Succeeded", "t", "main", 0, "[\"a\"]")))
        .problem().contains("is not a JSON object of strings"));
    assertTrue(TerminationMessages.results(List.of(pod("p", "Succeeded", "t", "main", 0, "{\"n\": 3}")))
        .problem().contains("output 'n' of container main of pod p is number, not a string"));
    assertTrue(TerminationMessages.results(List.of(pod("p", "Succeeded", "t", "a", 0, "{\"k\":\"1\"}", "b", 0,
        "{\"k\":\"2\"}"))).problem().contains("output 'k' is '1' in container a of pod p but '2' in container b"));
    String big = "{\"k\":\"" + "x".repeat(5000) + "\"}";
    assertTrue(TerminationMessages.results(List.of(pod("p", "Succeeded", "t", "main", 0, big)))
        .problem().contains("outputs are at most 4096"));
  }
}
