package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Posts to the webhook over HTTPS as the API server does. */
final class WebhookClient {
  private final HttpClient client;
  private final String base;

  WebhookClient(HttpClient client, int port) {
    this.client = client;
    this.base = "https://localhost:" + port;
  }

  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return Reviews.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    JsonNode response() {
      return json().path("response");
    }

    boolean allowed() {
      JsonNode allowed = response().get("allowed");
      if (allowed == null || !allowed.isBoolean()) {
        throw new AssertionError("no response.allowed in " + body);
      }
      return allowed.booleanValue();
    }

    String message() {
      return response().path("status").path("message").asText("");
    }

    /** The decoded JSONPatch, or null when none was sent. */
    ArrayNode patch() {
      JsonNode patch = response().get("patch");
      if (patch == null) {
        return null;
      }
      try {
        return (ArrayNode) Reviews.JSON.readTree(Base64.getDecoder().decode(patch.asText()));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  Answer post(String path, JsonNode review) throws IOException, InterruptedException {
    return post(path, Reviews.JSON.writeValueAsBytes(review));
  }

  Answer post(String path, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  HttpRequest request(String path, byte[] body) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  Answer get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), response.body());
  }
}
