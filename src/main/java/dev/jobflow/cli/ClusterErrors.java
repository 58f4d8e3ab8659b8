package dev.jobflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.concurrent.TimeoutException;

/**
 * What a failed call to the API server means for the user: one sentence and an exit code. Whatever kept
 * the request from an answer (refused or timed-out connections, TLS, a server error) is {@link
 * ExitCodes#UNREACHABLE}; an answer that refuses the request is {@link ExitCodes#INVALID}.
 */
final class ClusterErrors {
  private ClusterErrors() {}

  static CommandFailure describe(KubernetesClientException e, String server) {
    int code = e.getCode();
    JsonProcessingException unreadable = cause(e, JsonProcessingException.class);
    if (unreadable != null) {
      // An answer came, but not one this version of jobflow can read (e.g. a field of a newer API).
      return new CommandFailure(ExitCodes.INVALID, "the answer of the cluster at " + server + " could not be read: "
          + unreadable.getOriginalMessage(), e);
    }
    if (code == 0 || isTransport(e)) {
      return new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach the cluster at " + server + ": " + rootCause(e)
          + " (check --kubeconfig, --context or $KUBECONFIG; --request-timeout bounds each call)", e);
    }
    String said = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    if (code >= 500 || code == 429) {
      return new CommandFailure(ExitCodes.UNREACHABLE, "the cluster at " + server + " answered " + code + ": " + said, e);
    }
    return switch (code) {
      case HttpURLConnection.HTTP_UNAUTHORIZED -> new CommandFailure(ExitCodes.INVALID,
          "the cluster at " + server + " did not accept the credentials of this kubeconfig: " + said, e);
      case HttpURLConnection.HTTP_FORBIDDEN -> new CommandFailure(ExitCodes.INVALID, "forbidden: " + said, e);
      default -> new CommandFailure(ExitCodes.INVALID, said, e);
    };
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static boolean isTransport(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // fabric8 names no server in its timeout message ("for server null"): the caller's message does.
    String message = root.getMessage() == null ? null : root.getMessage().replace(" for server null", "");
    String kind = root instanceof TimeoutException || root.getClass().getSimpleName().contains("Timeout")
        ? "timed out" : root.getClass().getSimpleName();
    return message == null || message.isBlank() ? kind : kind + " (" + message + ")";
  }
}
