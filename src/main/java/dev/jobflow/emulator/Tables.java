package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing ({@code meta.k8s.io/v1 Table}), which is what {@code kubectl get} asks for:
 * a custom resource's columns come from its CRD's additionalPrinterColumns (so {@code kubectl get jf}
 * shows phase and progress), Jobs and Pods get kubectl's usual columns, everything else name and age.
 */
final class Tables {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private record Column(String name, String type, int priority, Function<JsonNode, String> value) {}

  private final EmulatorStore store;

  Tables(EmulatorStore store) {
    this.store = store;
  }

  boolean wanted(String accept) {
    return accept.contains("as=Table");
  }

  ObjectNode of(ResourceType type, List<JsonNode> objects, String resourceVersion) {
    return of(columns(type), objects, resourceVersion);
  }

  /** Prints one watch's events: its columns are read once, not per event. */
  java.util.function.UnaryOperator<String> eventPrinter(ResourceType type) {
    List<Column> columns = columns(type);
    return event -> {
      JsonNode e = EmulatorStore.read(event);
      if (e.path("type").asText().equals("ERROR")) {
        return event;
      }
      JsonNode object = e.get("object");
      return WatchHub.event(e.get("type").asText(),
          of(columns, List.of(object), object.path("metadata").path("resourceVersion").asText()));
    };
  }

  private static ObjectNode of(List<Column> columns, List<JsonNode> objects, String resourceVersion) {
    ObjectNode table = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject().put("name", c.name).put("type", c.type).put("format", c.name.equals("Name") ? "name" : "")
          .put("description", c.name).put("priority", c.priority);
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        String v = c.value.apply(o);
        cells.add(v == null ? "" : v);
      }
      ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
          .put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", o.path("metadata").deepCopy());
    }
    return table;
  }

  private List<Column> columns(ResourceType type) {
    List<Column> cols = new ArrayList<>();
    cols.add(new Column("Name", "string", 0, o -> o.path("metadata").path("name").asText()));
    if (type.group().equals("batch") && type.plural().equals("jobs")) {
      cols.add(new Column("Status", "string", 0, Tables::jobStatus));
      cols.add(new Column("Completions", "string", 0, o -> o.path("status").path("succeeded").asInt(0) + "/"
          + o.path("spec").path("completions").asInt(1)));
      cols.add(new Column("Duration", "string", 0, o -> {
        Instant start = instant(o.path("status").path("startTime").asText(null));
        Instant end = instant(o.path("status").path("completionTime").asText(null));
        return start == null ? "" : human(Duration.between(start, end == null ? Instant.now() : end));
      }));
    } else if (type.group().isEmpty() && type.plural().equals("pods")) {
      cols.add(new Column("Ready", "string", 0, o -> {
        long ready = 0;
        for (JsonNode cs : o.path("status").path("containerStatuses")) {
          ready += cs.path("ready").asBoolean() ? 1 : 0;
        }
        return ready + "/" + o.path("spec").path("containers").size();
      }));
      cols.add(new Column("Status", "string", 0, o -> o.path("status").path("phase").asText("Pending")));
      cols.add(new Column("Restarts", "integer", 0, o -> "0"));
    } else if (!type.group().isEmpty() && store.customTypes().contains(type)) {
      for (JsonNode c : printerColumns(type)) {
        String name = c.path("name").asText();
        if (name.equals("Age")) {
          continue;
        }
        String[] path = c.path("jsonPath").asText().replaceFirst("^\\.", "").split("\\.");
        boolean date = c.path("type").asText().equals("date");
        cols.add(new Column(name, date ? "string" : c.path("type").asText("string"), c.path("priority").asInt(0), o -> {
          JsonNode n = o;
          for (String p : path) {
            n = n.path(p);
          }
          if (n.isMissingNode() || n.isNull()) {
            return "";
          }
          return date ? age(n.asText()) : n.asText();
        }));
      }
    }
    cols.add(new Column("Age", "string", 0, o -> age(o.path("metadata").path("creationTimestamp").asText(null))));
    return cols;
  }

  private JsonNode printerColumns(ResourceType type) {
    for (JsonNode crd : store.objectsOf("apiextensions.k8s.io", "customresourcedefinitions")) {
      JsonNode spec = crd.path("spec");
      if (spec.path("group").asText().equals(type.group()) && spec.path("names").path("plural").asText().equals(type.plural())) {
        for (JsonNode v : spec.path("versions")) {
          if (v.path("name").asText().equals(type.version())) {
            return v.path("additionalPrinterColumns");
          }
        }
      }
    }
    return JSON.createArrayNode();
  }

  private static String jobStatus(JsonNode job) {
    for (JsonNode c : job.path("status").path("conditions")) {
      if (c.path("status").asText().equals("True")) {
        switch (c.path("type").asText()) {
          case "Complete": return "Complete";
          case "Failed": return "Failed";
          case "Suspended": return "Suspended";
          default: break;
        }
      }
    }
    return "Running";
  }

  private static Instant instant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String age(String timestamp) {
    Instant t = instant(timestamp);
    return t == null ? "<unknown>" : human(Duration.between(t, Instant.now()));
  }

  /** kubectl's HumanDuration, roughly: 42s, 3m20s, 15m, 5h10m, 2d. */
  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    }
    if (h < 48) {
      return h + "h";
    }
    return (h / 24) + "d";
  }
}
