package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admission webhooks called over real TLS by a tiny AdmissionReview server in the test. */
class AdmissionWebhookTest {
  static final ObjectMapper JSON = Serialization.jsonMapper();
  @TempDir
  static Path dir;
  static HttpsServer webhook;
  static String caPem;
  static final BlockingQueue<String> reviewed = new LinkedBlockingQueue<>();

  @BeforeAll
  static void startWebhook() throws Exception {
    Path ks = dir.resolve("webhook.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit");
    caPem = run(keytool, "-exportcert", "-rfc", "-alias", "webhook", "-keystore", ks.toString(), "-storepass", "changeit");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    webhook = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.setHttpsConfigurator(new HttpsConfigurator(tls));
    webhook.createContext("/mutate", ex -> answer(ex, true));
    webhook.createContext("/validate", ex -> answer(ex, false));
    webhook.start();
  }

  @AfterAll
  static void stopWebhook() {
    webhook.stop(0);
  }

  /** Mutating: labels the flow. Validating: refuses parallelism 13. */
  static void answer(com.sun.net.httpserver.HttpExchange ex, boolean mutating) throws java.io.IOException {
    JsonNode review = JSON.readTree(ex.getRequestBody());
    JsonNode req = review.get("request");
    reviewed.add((mutating ? "mutate " : "validate ") + req.get("operation").asText() + " " + req.get("name").asText()
        + (req.path("oldObject").isObject() ? " old" : ""));
    ObjectNode out = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode resp = out.putObject("response").put("uid", req.get("uid").asText());
    JsonNode object = req.get("object");
    if (mutating) {
      resp.put("allowed", true).put("patchType", "JSONPatch");
      ArrayNode patch = JSON.createArrayNode();
      if (!object.path("metadata").has("labels")) {
        patch.addObject().put("op", "add").put("path", "/metadata/labels").putObject("value");
      }
      patch.addObject().put("op", "add").put("path", "/metadata/labels/mutated").put("value", "yes");
      resp.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
    } else if (object.path("spec").path("parallelism").asInt() == 13) {
      resp.put("allowed", false).putObject("status").put("code", 422).put("message", "spec.parallelism: 13 is unlucky");
    } else {
      resp.put("allowed", true);
    }
    byte[] body = JSON.writeValueAsBytes(out);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  static URI url(String path) {
    return URI.create("https://127.0.0.1:" + webhook.getAddress().getPort() + path);
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    return out;
  }

  static JobFlow flow(String name, int parallelism) {
    JobFlow f = EmulatorApiTest.flow(name);
    f.getSpec().setParallelism(parallelism);
    return f;
  }

  @Test
  void configuredWebhooksMutateAndValidateCreatesAndUpdates() throws Exception {
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withWebhooks(List.of(WebhookTarget.mutating(url("/mutate"), caPem),
            WebhookTarget.validating(url("/validate"), caPem))))) {
      KubernetesClient client = emulator.client();
      reviewed.clear();
      JobFlow created = client.resources(JobFlow.class).resource(flow("admitted", 2)).create();
      assertEquals("yes", created.getMetadata().getLabels().get("mutated"), "the JSONPatch was applied");
      assertEquals(List.of("mutate CREATE admitted", "validate CREATE admitted"), List.of(reviewed.poll(), reviewed.poll()));

      KubernetesClientException denied = assertThrows(KubernetesClientException.class,
          () -> client.resources(JobFlow.class).resource(flow("unlucky", 13)).create());
      assertEquals(422, denied.getCode());
      assertTrue(denied.getMessage().contains(
          "admission webhook \"validate.jobflow.dev\" denied the request: spec.parallelism: 13 is unlucky"),
          denied.getMessage());

      reviewed.clear();
      KubernetesClientException update = assertThrows(KubernetesClientException.class,
          () -> client.resources(JobFlow.class).withName("admitted").edit(f -> {
            f.getSpec().setParallelism(13);
            return f;
          }));
      assertTrue(update.getMessage().contains("13 is unlucky"));
      assertTrue(reviewed.contains("validate UPDATE admitted old"), reviewed.toString());
      assertThrows(KubernetesClientException.class, () -> client.resources(JobFlow.class).withName("admitted")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parallelism\":13}}"));
      assertEquals(2, client.resources(JobFlow.class).withName("admitted").get().getSpec().getParallelism());

      reviewed.clear();
      JobFlow current = client.resources(JobFlow.class).withName("admitted").get();
      current.setStatus(new JobFlowStatus());
      current.getStatus().setProgress("0/1");
      client.resources(JobFlow.class).resource(current).updateStatus();
      assertTrue(reviewed.isEmpty(), "status writes are not reviewed: " + reviewed);

      // kubectl shows the webhook's message.
      if (Kubectl.binary() != null) {
        Kubectl kubectl = new Kubectl(emulator, Files.createDirectories(dir.resolve("kubectl")));
        Path file = dir.resolve("unlucky.yaml");
        Files.writeString(file, Serialization.asYaml(flow("unlucky", 13)));
        Kubectl.Result r = kubectl.run("create", "-f", file.toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("denied the request: spec.parallelism: 13 is unlucky"), r.err());
      }
    }
  }

  @Test
  void storedConfigurationsAreCalledAndFailurePolicyHolds() throws Exception {
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE))) {
      KubernetesClient client = emulator.client();
      client.resources(JobFlow.class).resource(flow("before-config", 13)).create();

      client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
          config("jobflow-validate", url("/validate").toString(), "Fail")).create();
      KubernetesClientException denied = assertThrows(KubernetesClientException.class,
          () -> client.resources(JobFlow.class).resource(flow("after-config", 13)).create());
      assertTrue(denied.getMessage().contains("admission webhook \"validate.jobflow.dev\" denied the request"),
          denied.getMessage());
      assertNotNull(client.resources(JobFlow.class).resource(flow("lucky", 3)).create());
      // Jobs do not match the rules.
      client.batch().v1().jobs().resource(EmulatorApiTest.job("not-reviewed", null)).create();

      client.admissionRegistration().v1().validatingWebhookConfigurations().withName("jobflow-validate").delete();
      client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
          config("down", "https://127.0.0.1:1/validate", "Fail")).create();
      // fabric8 retries a 500 with backoff by default: ask once.
      KubernetesClientException down;
      try (KubernetesClient once = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
          new io.fabric8.kubernetes.client.ConfigBuilder(emulator.config()).withRequestRetryBackoffLimit(0).build()).build()) {
        down = assertThrows(KubernetesClientException.class,
            () -> once.resources(JobFlow.class).resource(flow("while-down", 1)).create());
      }
      assertTrue(down.getMessage().contains("failed calling webhook \"validate.jobflow.dev\""), down.getMessage());

      client.admissionRegistration().v1().validatingWebhookConfigurations().withName("down").edit(c -> {
        c.getWebhooks().get(0).setFailurePolicy("Ignore");
        return c;
      });
      assertNotNull(client.resources(JobFlow.class).resource(flow("ignored", 1)).create());
    }
  }

  static ValidatingWebhookConfiguration config(String name, String url, String failurePolicy) {
    return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
        .addNewWebhook().withName("validate.jobflow.dev").withAdmissionReviewVersions("v1").withSideEffects("None")
        .withFailurePolicy(failurePolicy).withTimeoutSeconds(5)
        .withNewClientConfig().withUrl(url)
        .withCaBundle(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII))).endClientConfig()
        .addNewRule().withApiGroups("jobflow.dev").withApiVersions("v1alpha1").withResources("jobflows")
        .withOperations("CREATE", "UPDATE").endRule()
        .endWebhook().build();
  }
}
