package dev.jobflow.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A fan-out item, JSON text as journaled, in the forms its readers want: a CEL value for {@code when}, the text of
 * {@code {{item}}} and {@code {{item.KEY}}} for templates; and a CEL value turned into an item.
 */
public final class ItemValues {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ItemValues() {}

  /** The item as CEL sees it: strings, longs, doubles, bools, maps, lists, null. */
  static Object celValue(String json) {
    return cel(parse(json));
  }

  /**
   * The text a placeholder of the item stands for: {@code path} empty for {@code {{item}}}, else the keys of
   * {@code {{item.a.b}}}. A string is inserted as it is, any other value as JSON; null when there is no such key.
   */
  public static String text(String json, List<String> path) {
    JsonNode node = parse(json);
    for (String key : path) {
      node = node == null || !node.isObject() ? null : node.get(key);
    }
    if (node == null) {
      return null;
    }
    return node.isTextual() ? node.asText() : node.toString();
  }

  /** A list from a CEL value: a list, or a string holding a JSON array; each element as JSON text. */
  static List<String> items(Object value) throws IllegalArgumentException {
    JsonNode node;
    if (value instanceof String s) {
      try {
        node = MAPPER.readTree(s);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("the string is not JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isArray()) {
        throw new IllegalArgumentException("the string is JSON but not a list: " + abbreviate(s));
      }
    } else if (value instanceof List<?>) {
      node = json(value);
    } else {
      throw new IllegalArgumentException("the value is not a list: " + abbreviate(String.valueOf(value)));
    }
    List<String> out = new ArrayList<>(node.size());
    node.forEach(e -> out.add(e.toString()));
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("an item is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Object cel(JsonNode n) {
    if (n == null || n.isNull()) {
      return com.google.protobuf.NullValue.NULL_VALUE;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>(n.size());
      n.forEach(e -> list.add(cel(e)));
      return list;
    }
    Map<String, Object> map = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      map.put(f.getKey(), cel(f.getValue()));
    }
    return map;
  }

  private static JsonNode json(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null || v instanceof com.google.protobuf.NullValue) {
      return f.nullNode();
    }
    if (v instanceof String s) {
      return f.textNode(s);
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (v instanceof Long l) {
      return f.numberNode(l);
    }
    if (v instanceof Double d) {
      return f.numberNode(d);
    }
    if (v instanceof List<?> list) {
      ArrayNode a = f.arrayNode();
      list.forEach(e -> a.add(json(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = f.objectNode();
      map.forEach((k, e) -> o.set(String.valueOf(k), json(e)));
      return o;
    }
    return f.textNode(v.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
