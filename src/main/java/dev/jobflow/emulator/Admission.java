package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Calls admission webhooks (AdmissionReview v1) as the API server does on create and update:
 * every matching mutating webhook first, applying its JSONPatch, then every validating one; a
 * denial refuses the write with the webhook's message. Webhooks come from the
 * Mutating/ValidatingWebhookConfiguration objects stored in the emulator (only {@code clientConfig.url}
 * can be reached from here, not {@code clientConfig.service}) and from {@link WebhookTarget}s, which
 * apply to the jobflow.dev kinds the deployed webhook configurations name ({@link #REVIEWED}).
 */
final class Admission {
  /** The jobflow.dev resources the webhooks review: the rules of deploy/webhook/*-webhook.yaml. */
  static final java.util.Set<String> REVIEWED = java.util.Set.of("jobflows", "jobflowtemplates", "cronjobflows");
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  /** A write the webhooks refused, or that could not be reviewed under failurePolicy Fail. */
  static final class Refused extends Exception {
    final int code;

    Refused(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  private record Hook(String name, String url, String caPem, boolean mutating, boolean failOpen,
                      int timeoutSeconds, JsonNode rules) {}

  private final List<WebhookTarget> configured;
  private final Supplier<List<JsonNode>> mutatingConfigs;
  private final Supplier<List<JsonNode>> validatingConfigs;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  Admission(List<WebhookTarget> configured, Supplier<List<JsonNode>> mutatingConfigs,
            Supplier<List<JsonNode>> validatingConfigs) {
    this.configured = List.copyOf(configured);
    this.mutatingConfigs = mutatingConfigs;
    this.validatingConfigs = validatingConfigs;
  }

  /** Returns the object to store (mutated or not), or throws when a webhook refuses it. */
  JsonNode review(String operation, ResourceType type, String namespace, JsonNode object, JsonNode oldObject,
                  AccessReviews.Identity requester) throws Refused {
    List<Hook> hooks = hooksFor(operation, type);
    JsonNode current = object;
    for (Hook hook : hooks) {
      JsonNode response = call(hook, operation, type, namespace, current, oldObject, requester);
      if (response == null) {
        continue; // failurePolicy Ignore and the call failed
      }
      if (!response.path("allowed").asBoolean(false)) {
        JsonNode status = response.path("status");
        String message = status.path("message").asText("");
        int code = Math.max(400, status.path("code").asInt(400));
        throw new Refused(code, "admission webhook \"" + hook.name + "\" denied the request"
            + (message.isEmpty() ? " without explanation" : ": " + message));
      }
      if (hook.mutating && response.hasNonNull("patch")) {
        String patchType = response.path("patchType").asText("JSONPatch");
        if (!patchType.equals("JSONPatch")) {
          throw new Refused(500, "admission webhook \"" + hook.name + "\" answered unsupported patchType " + patchType);
        }
        try {
          JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
          current = JsonPatch.apply(patch, current);
        } catch (Exception e) {
          throw new Refused(500, "admission webhook \"" + hook.name + "\" returned a patch that does not apply: "
              + e.getMessage());
        }
      }
    }
    return current;
  }

  boolean applies(String operation, ResourceType type) {
    return !hooksFor(operation, type).isEmpty();
  }

  private List<Hook> hooksFor(String operation, ResourceType type) {
    List<Hook> mutating = new ArrayList<>();
    List<Hook> validating = new ArrayList<>();
    // The configured targets serve the kinds deploy/webhook's configurations name (JobFlowTriggers are the
    // controller's to check, as in a cluster).
    boolean isJobflowKind = type.group().equals("jobflow.dev") && REVIEWED.contains(type.plural());
    for (WebhookTarget t : configured) {
      if (isJobflowKind) {
        (t.mutating() ? mutating : validating).add(
            new Hook(t.name(), t.url().toString(), t.caPem(), t.mutating(), false, 10, null));
      }
    }
    collect(mutatingConfigs.get(), true, operation, type, mutating);
    collect(validatingConfigs.get(), false, operation, type, validating);
    mutating.addAll(validating);
    return mutating;
  }

  private static void collect(List<JsonNode> configs, boolean mutating, String operation, ResourceType type,
                              List<Hook> into) {
    for (JsonNode config : configs) {
      for (JsonNode w : config.path("webhooks")) {
        if (!rulesMatch(w.path("rules"), operation, type)) {
          continue;
        }
        JsonNode cc = w.path("clientConfig");
        String ca = cc.hasNonNull("caBundle")
            ? new String(Base64.getDecoder().decode(cc.get("caBundle").asText()), StandardCharsets.UTF_8) : null;
        String url = cc.hasNonNull("url") ? cc.get("url").asText() : null;
        if (url == null && cc.has("service")) {
          JsonNode s = cc.get("service");
          url = "service:" + s.path("namespace").asText() + "/" + s.path("name").asText();
        }
        into.add(new Hook(w.path("name").asText(), url, ca, mutating,
            w.path("failurePolicy").asText("Fail").equals("Ignore"), w.path("timeoutSeconds").asInt(10),
            w.path("rules")));
      }
    }
  }

  private static boolean rulesMatch(JsonNode rules, String operation, ResourceType type) {
    for (JsonNode r : rules) {
      if (contains(r.path("operations"), operation) && contains(r.path("apiGroups"), type.group())
          && contains(r.path("apiVersions"), type.version()) && contains(r.path("resources"), type.plural())) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (v.asText().equals("*") || v.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private JsonNode call(Hook hook, String operation, ResourceType type, String namespace, JsonNode object,
                        JsonNode oldObject, AccessReviews.Identity requester) throws Refused {
    try {
      if (hook.url == null || hook.url.startsWith("service:")) {
        throw new IllegalStateException("clientConfig.service (" + (hook.url == null ? "none" : hook.url.substring(8))
            + ") cannot be reached from the emulator; give the webhook a clientConfig.url");
      }
      String uid = UUID.randomUUID().toString();
      ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
      ObjectNode req = review.putObject("request").put("uid", uid);
      req.putObject("kind").put("group", type.group()).put("version", type.version()).put("kind", type.kind());
      req.putObject("resource").put("group", type.group()).put("version", type.version()).put("resource", type.plural());
      req.set("requestKind", req.get("kind"));
      req.set("requestResource", req.get("resource"));
      req.put("name", object.path("metadata").path("name").asText(""));
      if (namespace != null) {
        req.put("namespace", namespace);
      }
      req.put("operation", operation);
      var groups = req.putObject("userInfo").put("username", requester.user()).putArray("groups");
      requester.groups().forEach(groups::add);
      req.set("object", object);
      req.set("oldObject", oldObject);
      req.put("dryRun", false);
      HttpRequest http = HttpRequest.newBuilder(URI.create(hook.url))
          .timeout(Duration.ofSeconds(hook.timeoutSeconds))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(review)))
          .build();
      HttpResponse<byte[]> answer = client(hook.caPem).send(http, HttpResponse.BodyHandlers.ofByteArray());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + answer.statusCode() + " from " + hook.url);
      }
      JsonNode response = JSON.readTree(answer.body()).path("response");
      if (!response.path("uid").asText().equals(uid)) {
        throw new IllegalStateException("the AdmissionReview response has uid \"" + response.path("uid").asText()
            + "\", expected " + uid);
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(500, "interrupted while calling admission webhook \"" + hook.name + "\"");
    } catch (Exception e) {
      if (hook.failOpen) {
        return null;
      }
      throw new Refused(500, "Internal error occurred: failed calling webhook \"" + hook.name + "\": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  private HttpClient client(String caPem) {
    return clients.computeIfAbsent(caPem == null ? "" : caPem, pem -> {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
      if (!pem.isEmpty()) {
        b.sslContext(trusting(pem));
      }
      return b.build();
    });
  }

  private static SSLContext trusting(String pem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalArgumentException("the webhook CA bundle is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
