package dev.jobflow.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes two firings the same one: SHA-256 (hex) of the alert name and its labels sorted by name, or of the named
 * labels only; for a generic webhook, of a CEL value or of the whole document with its keys sorted. Each part is
 * length-prefixed, so no two different inputs give the same text to hash.
 */
public final class Fingerprints {
  private Fingerprints() {}

  /** Of the alert name and all labels ({@code labelNames} empty), or of the labels named (sorted, absent ones empty). */
  public static String ofAlert(String alertName, Map<String, String> labels, List<String> labelNames) {
    StringBuilder text = new StringBuilder();
    if (labelNames.isEmpty()) {
      part(text, alertName == null ? "" : alertName);
      new TreeMap<>(labels).forEach((k, v) -> part(part(text, k), v));
    } else {
      for (String name : new java.util.TreeSet<>(labelNames)) {
        part(part(text, name), labels.getOrDefault(name, ""));
      }
    }
    return sha256(text.toString());
  }

  /** Of a value a fingerprint expression gave. */
  public static String ofText(String value) {
    return sha256(part(new StringBuilder(), value).toString());
  }

  /** Of a JSON document, whatever the order of its keys. */
  public static String ofDocument(JsonNode body) {
    return sha256(canonical(body, new StringBuilder()).toString());
  }

  private static StringBuilder part(StringBuilder text, String value) {
    return text.append(value.length()).append(':').append(value).append(';');
  }

  private static StringBuilder canonical(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      out.append('{');
      sorted.forEach((k, v) -> canonical(v, part(out, k)));
      return out.append('}');
    }
    if (node.isArray()) {
      out.append('[');
      node.forEach(n -> canonical(n, out).append(','));
      return out.append(']');
    }
    return part(out, node.toString());
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
