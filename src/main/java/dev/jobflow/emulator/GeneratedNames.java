package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.function.Predicate;

/**
 * {@code metadata.generateName} as a real API server treats it, before admission: the prefix plus five
 * random characters of Kubernetes' alphabet (no vowels, no look-alike digits), e.g. {@code nightly-x7k2p}.
 * fabric8's CRUD dispatcher would append a whole UUID, longer than the names Jobflow allows.
 */
final class GeneratedNames {
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int SUFFIX = 5;
  private static final int TRIES = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedNames() {}

  /** Names an object that has only a generateName; {@code taken} says whether a candidate already exists. */
  static void apply(JsonNode object, Predicate<String> taken) {
    JsonNode meta = object.path("metadata");
    if (!(meta instanceof ObjectNode metadata) || meta.hasNonNull("name") && !meta.get("name").asText().isEmpty()) {
      return;
    }
    String prefix = meta.path("generateName").asText("");
    if (prefix.isEmpty()) {
      return;
    }
    String name = prefix + suffix();
    for (int i = 1; i < TRIES && taken.test(name); i++) {
      name = prefix + suffix();
    }
    metadata.put("name", name);
  }

  private static String suffix() {
    StringBuilder s = new StringBuilder(SUFFIX);
    for (int i = 0; i < SUFFIX; i++) {
      s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
