package dev.jobflow.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The tamper-evident link between the events of one flow (docs/audit.md, "The hash chain"). Lives where events
 * are written: the entity links each batch before it persists it; the audit trail only verifies.
 *
 * <pre>
 *   hash(e)              = hex(SHA-256(UTF-8(e.meta.previousHash + canonical(e))))   (null previousHash: "")
 *   first event          : meta.previousHash = genesis(persistenceId) = hex(SHA-256(UTF-8(persistenceId)))
 *   every later event n  : meta.previousHash = hash(event n-1)
 *   canonical(e)         = {"event":&lt;the event as JSON&gt;,"type":"&lt;simple class name&gt;"} with every object's
 *                          keys sorted, null members left out, no whitespace, instants and durations as ISO-8601
 * </pre>
 *
 * Null members are left out so that an optional field added to an event type later leaves the hashes of the
 * events written before it unchanged. The type is part of the hash, so a FlowSucceeded cannot be turned into a
 * FlowFailed with the same fields.
 */
public final class HashChain {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      // Written from the tree: every object's members in key order (a TreeMap's, as before), null members left out.
      .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
      .disable(JsonNodeFeature.WRITE_NULL_PROPERTIES)
      .build();

  private HashChain() {}

  /** The {@code previousHash} of a flow's first event: binds the chain to its persistence id. */
  public static String genesis(String persistenceId) {
    return sha256(persistenceId);
  }

  /** The hash of an event as stored (its {@code previousHash} included). */
  public static String hash(FlowEvent event) {
    String previous = event.meta().previousHash();
    return sha256((previous == null ? "" : previous) + canonical(event));
  }

  /** The canonical JSON of an event, the text that is hashed after the previous hash. */
  public static String canonical(FlowEvent event) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.set("event", MAPPER.valueToTree(event));
    doc.put("type", event.getClass().getSimpleName());
    try {
      return MAPPER.writeValueAsString(doc);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write " + event.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Links events persisted together: the first to {@code previousHash}, each next one to the one before.
   *
   * @param previousHash the hash of the flow's last stored event, its genesis before the first, or null when
   *     unknown (a state recovered from a snapshot written before the chain existed): the first of these events
   *     is then written unchained and the chain starts at the next one
   */
  public static Linked link(String previousHash, List<FlowEvent> events) {
    List<FlowEvent> out = new ArrayList<>(events.size());
    String previous = previousHash;
    for (FlowEvent event : events) {
      FlowEvent linked = event.withMeta(event.meta().withPreviousHash(previous));
      out.add(linked);
      previous = hash(linked);
    }
    return new Linked(List.copyOf(out), previous);
  }

  /** Events with their links, and the hash of the last (the next batch's {@code previousHash}). */
  public record Linked(List<FlowEvent> events, String lastHash) {}

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
