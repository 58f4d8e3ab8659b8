package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a paged list goes on: the resourceVersion its first page reported and the last object it returned
 * (namespace, name). Sent as the API server sends it, unpadded base64url of {@code {"v","rv","start"}}, so a client
 * treats it as opaque. Every page reports the first page's resourceVersion: a watch from there replays whatever
 * changed while the pages were read, as informers expect.
 */
record ListContinue(long resourceVersion, String namespace, String name) {

  private static final String VERSION = "meta.k8s.io/v1";

  /** Whether an object (namespace, name) comes after this token in the list's order. */
  boolean precedes(String ns, String n) {
    int byNamespace = ns.compareTo(namespace);
    return byNamespace > 0 || (byNamespace == 0 && n.compareTo(name) > 0);
  }

  String encode() {
    String json = EmulatorStore.write(Serialization.jsonMapper().createObjectNode()
        .put("v", VERSION).put("rv", resourceVersion).put("start", namespace + "/" + name));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The token a client sent; a token this emulator did not write is refused with the API server's words. */
  static ListContinue decode(String token) {
    JsonNode t;
    try {
      t = EmulatorStore.read(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new QueryParameters.Invalid("continue key is not valid: " + e.getMessage());
    }
    String start = t.path("start").asText("");
    int slash = start.indexOf('/');
    if (!VERSION.equals(t.path("v").asText()) || !t.path("rv").canConvertToLong() || slash < 0) {
      throw new QueryParameters.Invalid("continue key is not valid: incorrect encoded start resourceVersion "
          + "(version meta.k8s.io/v1)");
    }
    return new ListContinue(t.path("rv").asLong(), start.substring(0, slash), start.substring(slash + 1));
  }
}
