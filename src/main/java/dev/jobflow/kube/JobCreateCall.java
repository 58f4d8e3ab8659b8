package dev.jobflow.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates a Job with one POST and reads of the API server's answer only what the runtime needs: the new Job's uid,
 * or the refusal's code and message. fabric8's {@code create()} decodes the whole echoed Job into its model, which
 * nobody reads (the informer's watch delivers the Job): that decode was a tenth of the controller's CPU per step.
 * It goes through the client's own HTTP client, so its interceptors (authentication, the request metrics) and its
 * retries of failed connections apply as to every other call.
 */
final class JobCreateCall {
  private static final JsonFactory JSON = new JsonFactory();

  /** The answer: a created Job's uid (code 2xx), or the code and the message of a refusal. */
  record Answer(int code, String uid, String message) {
    boolean created() {
      return code >= 200 && code < 300;
    }
  }

  private JobCreateCall() {}

  static Answer post(KubernetesClient client, String namespace, Job job) {
    HttpClient http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceFirst("/$", "") + "/apis/batch/v1/namespaces/" + namespace
        + "/jobs";
    String body = client.getKubernetesSerialization().asJson(job);
    long timeoutMillis = Math.max(1, client.getConfiguration().getRequestTimeout());
    String name = namespace + "/" + job.getMetadata().getName();
    HttpResponse<byte[]> response;
    try {
      response = http.sendAsync(http.newHttpRequestBuilder().uri(url).post("application/json", body).build(),
          byte[].class).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted creating Job " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("creating Job " + name + " failed: " + e.getMessage(), e);
    }
    byte[] answer = response.body() == null ? new byte[0] : response.body();
    if (response.isSuccessful()) {
      String uid = field(answer, "metadata", "uid");
      if (uid == null) {
        throw new KubernetesClientException("the API server created Job " + name + " but its answer names no uid",
            response.code(), null);
      }
      return new Answer(response.code(), uid, null);
    }
    String message = field(answer, null, "message"); // a Status: {"kind":"Status","message":...}
    return new Answer(response.code(), null, message != null ? message : new String(answer,
        java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * A string member of the top-level object ({@code object} null) or of one of its objects, read by streaming
   * past the rest: the echo of a Job is a few kilobytes of which this needs 36 characters.
   */
  static String field(byte[] json, String object, String member) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      return object == null ? memberOf(p, member) : inObject(p, object, member);
    } catch (IOException e) {
      return null;
    }
  }

  private static String inObject(JsonParser p, String object, String member) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals(object) && value == JsonToken.START_OBJECT) {
        return memberOf(p, member);
      }
      p.skipChildren();
    }
    return null;
  }

  private static String memberOf(JsonParser p, String member) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals(member) && value == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      p.skipChildren();
    }
    return null;
  }
}
