package dev.jobflow.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The objects of one rendered overlay, each parsed into its fabric8 model class <em>strictly</em>: fabric8's
 * models keep unknown fields in {@code additionalProperties}, which would hide a typo such as
 * {@code readOnlyRootFileSystem}; here any field the model does not know fails, with its path.
 */
final class Manifests {
  /** Every kind deploy/ may contain; another kind fails the parse, so it must be added here with its model. */
  private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
          io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
      Map.entry("autoscaling.k8s.io/v1/VerticalPodAutoscaler",
          io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscaler.class),
      Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", CustomResourceDefinition.class),
      Map.entry("admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration",
          ValidatingWebhookConfiguration.class),
      Map.entry("admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", MutatingWebhookConfiguration.class),
      Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
      Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
      Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
      Map.entry("cert-manager.io/v1/Certificate", Certificate.class),
      Map.entry("cert-manager.io/v1/Issuer", Issuer.class),
      Map.entry("cert-manager.io/v1/ClusterIssuer", ClusterIssuer.class));

  static final ObjectMapper STRICT = YAMLMapper.builder()
      .annotationIntrospector(new StrictIntrospector())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  final String source;
  final List<HasMetadata> objects;

  private Manifests(String source, List<HasMetadata> objects) {
    this.source = source;
    this.objects = List.copyOf(objects);
  }

  static Manifests parse(String source, String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = STRICT.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        objects.add(parseOne(source, doc));
      }
    } catch (IOException e) {
      throw new AssertionError(source + ": not YAML: " + e.getMessage(), e);
    }
    return new Manifests(source, objects);
  }

  static HasMetadata parseOne(String source, JsonNode doc) {
    String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    String name = doc.path("metadata").path("name").asText("<no name>");
    Class<? extends HasMetadata> model = MODELS.get(type);
    if (model == null) {
      throw new AssertionError(source + ": " + type + " " + name + " is a kind deploy/ tests do not know: add its"
          + " fabric8 model to Manifests.MODELS (a typo in apiVersion or kind also lands here)");
    }
    try {
      return STRICT.treeToValue(doc, model);
    } catch (JsonMappingException e) {
      String path = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      throw new AssertionError(source + ": " + type + " " + name + ": at " + path + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AssertionError(source + ": " + type + " " + name + ": " + e.getMessage(), e);
    }
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
    return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> kind, String name) {
    return find(kind, name).orElseThrow(() -> new AssertionError(
        source + " has no " + kind.getSimpleName() + " named " + name + "; it has " + names(kind)));
  }

  List<String> names(Class<? extends HasMetadata> kind) {
    return all(kind).stream().map(o -> o.getMetadata().getName()).toList();
  }

  /** Removes Jackson's any-setter (fabric8's catch-all for unknown fields) and any class-level ignoreUnknown. */
  private static final class StrictIntrospector extends JacksonAnnotationIntrospector {
    @Override
    public Boolean hasAnySetter(Annotated a) {
      return Boolean.FALSE;
    }

    @Override
    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
      return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
    }
  }
}
