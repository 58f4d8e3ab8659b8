package dev.jobflow.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One notification as a CloudEvent 1.0 in structured mode ({@code application/cloudevents+json}). Its {@code id} is
 * the journal's name for the fact ({@code <persistenceId>/<sequenceNr>}), so every delivery of the same fact carries
 * the same id and a receiver drops repeats by it.
 *
 * @param event the event's short name ({@code flow.failed}), what a sink's {@code events} filter lists
 * @param data the event's fields, in the order they are written
 */
public record CloudEvent(String id, String source, String event, String subject, Instant time,
                         Map<String, Object> data) {
  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/cloudevents+json";
  /** CloudEvent types are reverse-DNS: {@code dev.jobflow.flow.failed}. */
  public static final String TYPE_PREFIX = "dev.jobflow.";
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  public CloudEvent {
    data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public String type() {
    return TYPE_PREFIX + event;
  }

  /** The envelope and data as sent. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("specversion", SPEC_VERSION);
    m.put("id", id);
    m.put("source", source);
    m.put("type", type());
    m.put("subject", subject);
    m.put("time", time.toString());
    m.put("datacontenttype", "application/json");
    m.put("data", data);
    return m;
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("CloudEvent " + id + " does not serialise: " + e.getMessage(), e);
    }
  }
}
