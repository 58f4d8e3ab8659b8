package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failures of a call mean "could not reach the cluster" (exit 3), and which are answers (exit 1). */
class ClusterErrorsTest {
  static final String SERVER = "https://k8s:6443/ (kubeconfig ~/.kube/config, context prod)";

  @Test
  void noAnswerAtAllIsUnreachable() {
    CommandFailure f = ClusterErrors.describe(new KubernetesClientException("failed", new ConnectException("Connection refused")), SERVER);
    assertEquals(ExitCodes.UNREACHABLE, f.exitCode());
    assertTrue(f.getMessage().startsWith("cannot reach the cluster at " + SERVER + ": ConnectException (Connection refused)"),
        f.getMessage());
  }

  @Test
  void serverErrorsAndThrottlingAreTheClustersTrouble() {
    for (int code : new int[] {500, 503, 504, 429}) {
      assertEquals(ExitCodes.UNREACHABLE, ClusterErrors.describe(failure(code, "busy"), SERVER).exitCode(), "HTTP " + code);
    }
  }

  @Test
  void refusalsAreAnswers() {
    assertEquals("forbidden: jobflows is forbidden", ClusterErrors.describe(failure(403, "jobflows is forbidden"), SERVER).getMessage());
    assertEquals(ExitCodes.INVALID, ClusterErrors.describe(failure(403, "x"), SERVER).exitCode());
    assertEquals(ExitCodes.INVALID, ClusterErrors.describe(failure(401, "x"), SERVER).exitCode());
    CommandFailure denied = ClusterErrors.describe(failure(400, "admission webhook \"validate.jobflow.dev\" denied the request"), SERVER);
    assertEquals(ExitCodes.INVALID, denied.exitCode());
    assertEquals("admission webhook \"validate.jobflow.dev\" denied the request", denied.getMessage());
  }

  @Test
  void anAnswerThatCannotBeReadIsNotAnUnreachableCluster() {
    KubernetesClientException e = new KubernetesClientException("failed",
        new JsonParseException(null, "Unrecognized field \"templateRef\""));
    CommandFailure f = ClusterErrors.describe(e, SERVER);
    assertEquals(ExitCodes.INVALID, f.exitCode());
    assertTrue(f.getMessage().contains("could not be read: Unrecognized field \"templateRef\""), f.getMessage());
  }

  static KubernetesClientException failure(int code, String message) {
    return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
  }
}
