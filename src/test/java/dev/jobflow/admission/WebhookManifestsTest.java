package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/webhook: the webhook configurations call what the server serves, with the agreed settings. */
class WebhookManifestsTest {
  static final Path DIR = Path.of(System.getProperty("jobflow.project.dir", "."), "deploy", "webhook");
  static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final String SERVICE_DNS = "jobflow-webhook.jobflow-system.svc";

  record Hook(String kind, String name, List<String> versions, String sideEffects, String failurePolicy,
      Integer timeout, ServiceReference service, List<RuleWithOperations> rules, Map<String, String> annotations) {}

  @Test
  void webhookConfigurationsCallTheServersRoutesWithTheAgreedSettings() throws Exception {
    List<Hook> hooks = new ArrayList<>();
    for (JsonNode doc : documents("validating-webhook.yaml")) {
      var config = MAPPER.treeToValue(doc, ValidatingWebhookConfiguration.class);
      // fabric8 keeps unknown fields aside instead of failing: a misspelt field shows up here.
      assertEquals(Map.of(), config.getAdditionalProperties());
      config.getWebhooks().forEach(w -> assertEquals(Map.of(), w.getAdditionalProperties(), w.getName()));
      config.getWebhooks().forEach(w -> hooks.add(new Hook(config.getKind(), w.getName(),
          w.getAdmissionReviewVersions(), w.getSideEffects(), w.getFailurePolicy(), w.getTimeoutSeconds(),
          w.getClientConfig().getService(), w.getRules(), config.getMetadata().getAnnotations())));
    }
    for (JsonNode doc : documents("mutating-webhook.yaml")) {
      var config = MAPPER.treeToValue(doc, MutatingWebhookConfiguration.class);
      assertEquals(Map.of(), config.getAdditionalProperties());
      config.getWebhooks().forEach(w -> assertEquals(Map.of(), w.getAdditionalProperties(), w.getName()));
      config.getWebhooks().forEach(w -> hooks.add(new Hook(config.getKind(), w.getName(),
          w.getAdmissionReviewVersions(), w.getSideEffects(), w.getFailurePolicy(), w.getTimeoutSeconds(),
          w.getClientConfig().getService(), w.getRules(), config.getMetadata().getAnnotations())));
    }
    assertEquals(Set.of("/validate", "/mutate"), hooks.stream().map(h -> h.service().getPath()).collect(Collectors.toSet()));
    for (Hook hook : hooks) {
      String what = hook.kind() + " " + hook.name();
      assertEquals(List.of("v1"), hook.versions(), what);
      assertEquals("None", hook.sideEffects(), what);
      assertEquals("Fail", hook.failurePolicy(), what);
      assertEquals(5, hook.timeout(), what);
      assertEquals("jobflow-webhook", hook.service().getName(), what);
      assertEquals("jobflow-system", hook.service().getNamespace(), what);
      assertEquals(443, hook.service().getPort(), what);
      assertEquals(1, hook.rules().size(), what);
      RuleWithOperations rule = hook.rules().get(0);
      assertEquals(Map.of(), rule.getAdditionalProperties(), what);
      assertEquals(Map.of(), hook.service().getAdditionalProperties(), what);
      assertEquals(List.of("jobflow.dev"), rule.getApiGroups(), what);
      assertEquals(List.of("v1alpha1"), rule.getApiVersions(), what);
      assertEquals(List.of("jobflows", "jobflowtemplates", "cronjobflows"), rule.getResources(), what);
      assertEquals(List.of("CREATE", "UPDATE"), rule.getOperations(), what);
      assertEquals("jobflow-system/jobflow-webhook", hook.annotations().get("cert-manager.io/inject-ca-from"), what);
    }
  }

  @Test
  void theInjectedCertificateNamesTheServiceAndWritesTheMountedSecret() throws Exception {
    Map<String, JsonNode> certificates = new java.util.HashMap<>();
    Map<String, JsonNode> issuers = new java.util.HashMap<>();
    for (JsonNode doc : documents("certificates.yaml")) {
      assertEquals("cert-manager.io/v1", doc.path("apiVersion").asText());
      assertEquals("jobflow-system", doc.at("/metadata/namespace").asText());
      (doc.path("kind").asText().equals("Certificate") ? certificates : issuers).put(doc.at("/metadata/name").asText(), doc);
    }
    JsonNode serving = certificates.get("jobflow-webhook");
    assertNotNull(serving, "Certificate jobflow-webhook");
    assertEquals("jobflow-webhook-tls", serving.at("/spec/secretName").asText());
    List<String> dns = new ArrayList<>();
    serving.at("/spec/dnsNames").forEach(n -> dns.add(n.asText()));
    assertTrue(dns.contains(SERVICE_DNS), dns.toString());
    // Every issuer a Certificate names ships here too, and the chain ends in a self-signed root.
    for (JsonNode certificate : certificates.values()) {
      JsonNode issuer = issuers.get(certificate.at("/spec/issuerRef/name").asText());
      assertNotNull(issuer, "issuer of " + certificate.at("/metadata/name").asText());
      if (issuer.at("/spec/ca").isObject()) {
        assertNotNull(certificates.values().stream().filter(c -> c.at("/spec/secretName").asText()
            .equals(issuer.at("/spec/ca/secretName").asText()) && c.at("/spec/isCA").asBoolean()).findFirst()
            .orElse(null), "CA certificate for issuer " + issuer.at("/metadata/name").asText());
      }
    }
  }

  @Test
  void kustomizationListsEveryManifest() throws Exception {
    JsonNode kustomization = documents("kustomization.yaml").get(0);
    Set<String> listed = new java.util.TreeSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> present;
    try (var files = Files.list(DIR)) {
      present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
    assertEquals(present, listed);
  }

  static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(DIR.resolve(file).toFile())) {
      var values = new YAMLMapper().readValues(parser, JsonNode.class);
      while (values.hasNextValue()) {
        JsonNode doc = values.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
