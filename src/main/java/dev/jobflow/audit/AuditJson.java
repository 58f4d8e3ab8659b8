package dev.jobflow.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;

/**
 * The JSON documents of the audit trail, the same from {@code jobflow audit -o json} and the HTTP API, so a
 * script can switch between them. Times are RFC 3339 (UTC); absent values are left out.
 */
public final class AuditJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private AuditJson() {}

  /** {@code {"namespace","name","flows":[{"uid","persistenceId","acceptedAt","events":[...]}]}}, oldest flow first. */
  public static ObjectNode history(String namespace, String name, List<FlowHistory.FlowTimeline> flows) {
    ObjectNode doc = MAPPER.createObjectNode().put("namespace", namespace).put("name", name);
    ArrayNode list = doc.putArray("flows");
    for (FlowHistory.FlowTimeline t : flows) {
      ObjectNode flow = list.addObject();
      flow.put("uid", t.run().id().uid()).put("persistenceId", t.run().persistenceId())
          .put("acceptedAt", t.run().acceptedAt() == null ? null : t.run().acceptedAt().toString());
      flow.set("events", MAPPER.valueToTree(t.events()));
    }
    return doc;
  }

  /** {@code {"events":[...]}}: events of many flows, in the order they were written. */
  public static ObjectNode events(List<TimelineEntry> events) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.set("events", MAPPER.valueToTree(events));
    return doc;
  }

  /** {@code {"intact":bool,"flows":[...]}}: hash chain reports. */
  public static ObjectNode verification(List<ChainReport> reports) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("intact", reports.stream().allMatch(ChainReport::intact));
    ArrayNode list = doc.putArray("flows");
    reports.forEach(r -> list.add(report(r)));
    return doc;
  }

  public static ObjectNode report(ChainReport r) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("namespace", r.flow().namespace()).put("name", r.flow().name()).put("uid", r.flow().uid())
        .put("persistenceId", r.persistenceId()).put("verdict", r.verdict()).put("events", r.events())
        .put("unchained", r.unchained()).put("head", r.head());
    if (r.badSequenceNr() != null) {
      node.put("badSequenceNr", r.badSequenceNr());
    }
    node.put("message", r.message());
    return node;
  }

  /** One value on one line (jsonl), or a whole document. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
