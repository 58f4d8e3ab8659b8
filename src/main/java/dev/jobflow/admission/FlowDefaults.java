package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults the mutating webhook fills into a JobFlow, a JobFlowTemplate or a CronJobFlow (and the flow spec
 * inside it) where the user set nothing. Works on the JSON
 * tree as sent, not the Java model, so a patch adds exactly the missing fields and never rewrites one the
 * user set; parts that do not have the expected shape are left alone for schema validation to reject.
 */
public final class FlowDefaults {
  public static final int TTL_SECONDS_AFTER_FINISHED = 86_400;
  public static final String FAILURE_POLICY = "FailFast";
  public static final int BACKOFF_LIMIT = 6;
  public static final String RESTART_POLICY = "Never";
  /** CronJob's defaults for the fields of the same name. */
  public static final String CONCURRENCY_POLICY = "Allow";
  public static final int SUCCESSFUL_FLOWS_HISTORY_LIMIT = 3;
  public static final int FAILED_FLOWS_HISTORY_LIMIT = 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FlowDefaults() {}

  /** Receives each missing default: where it goes, and its value. */
  private interface Sink {
    void missing(ObjectNode parent, String field, String pointer, JsonNode value);
  }

  /**
   * JSONPatch {@code add} operations for every default missing from a JobFlow, JobFlowTemplate or CronJobFlow
   * object (by its {@code kind}); empty when none is.
   */
  public static ArrayNode patchFor(JsonNode object) {
    ArrayNode ops = NODES.arrayNode();
    JsonNode spec = object == null ? null : object.get("spec");
    if (spec instanceof ObjectNode specObject) {
      Sink sink = (parent, field, pointer, value) ->
          ops.addObject().put("op", "add").put("path", pointer).set("value", value);
      switch (object.path("kind").asText("")) {
        case "JobFlowTemplate" -> visitTemplate(specObject, "/spec", sink);
        case "CronJobFlow" -> visitSchedule(specObject, "/spec", sink);
        default -> visit(specObject, "/spec", sink);
      }
    }
    return ops;
  }

  /**
   * A copy of {@code spec} with every missing default filled in: what the spec means, so that a spec
   * stored before the defaults existed and the same spec with them compare equal.
   */
  public static JsonNode withDefaults(JsonNode spec) {
    if (!(spec instanceof ObjectNode specObject)) {
      return spec;
    }
    ObjectNode copy = specObject.deepCopy();
    visit(copy, "/spec", (parent, field, pointer, value) -> parent.set(field, value));
    return copy;
  }

  private static void visit(ObjectNode spec, String pointer, Sink sink) {
    ifUnset(spec, "ttlSecondsAfterFinished", pointer, NODES.numberNode(TTL_SECONDS_AFTER_FINISHED), sink);
    JsonNode templateRef = spec.get("templateRef");
    if (templateRef == null || templateRef.isNull()) {
      // A flow run from a template takes the template's failurePolicy unless it sets its own: no default here.
      ifUnset(spec, "failurePolicy", pointer, NODES.textNode(FAILURE_POLICY), sink);
    }
    visitParameters(spec.get("parameters"), pointer + "/parameters", sink);
    visitSteps(spec.get("steps"), pointer + "/steps", sink);
    visitSteps(spec.get("finally"), pointer + "/finally", sink);
  }

  private static void visitTemplate(ObjectNode spec, String pointer, Sink sink) {
    ifUnset(spec, "failurePolicy", pointer, NODES.textNode(FAILURE_POLICY), sink);
    visitSteps(spec.get("steps"), pointer + "/steps", sink);
    visitSteps(spec.get("finally"), pointer + "/finally", sink);
  }

  /** A parameter submitted without a value takes its default. */
  private static void visitParameters(JsonNode parameters, String pointer, Sink sink) {
    if (parameters == null || !parameters.isArray()) {
      return;
    }
    for (int i = 0; i < parameters.size(); i++) {
      if (parameters.get(i) instanceof ObjectNode p && p.get("default") != null && p.get("default").isTextual()) {
        ifUnset(p, "value", pointer + "/" + i, p.get("default"), sink);
      }
    }
  }

  private static void visitSchedule(ObjectNode spec, String pointer, Sink sink) {
    ifUnset(spec, "concurrencyPolicy", pointer, NODES.textNode(CONCURRENCY_POLICY), sink);
    ifUnset(spec, "suspend", pointer, NODES.booleanNode(false), sink);
    ifUnset(spec, "successfulFlowsHistoryLimit", pointer, NODES.numberNode(SUCCESSFUL_FLOWS_HISTORY_LIMIT), sink);
    ifUnset(spec, "failedFlowsHistoryLimit", pointer, NODES.numberNode(FAILED_FLOWS_HISTORY_LIMIT), sink);
    if (spec.get("flowSpec") instanceof ObjectNode flowSpec) {
      visit(flowSpec, pointer + "/flowSpec", sink);
    }
  }

  private static void visitSteps(JsonNode steps, String pointer, Sink sink) {
    if (steps == null || !steps.isArray()) {
      return;
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).get("template") instanceof ObjectNode jobSpec) {
        String at = pointer + "/" + i + "/template";
        ifUnset(jobSpec, "backoffLimit", at, NODES.numberNode(BACKOFF_LIMIT), sink);
        // Only where a pod spec exists: a template without one is invalid, and the validator says so.
        if (jobSpec.get("template") instanceof ObjectNode podTemplate
            && podTemplate.get("spec") instanceof ObjectNode podSpec) {
          ifUnset(podSpec, "restartPolicy", at + "/template/spec", NODES.textNode(RESTART_POLICY), sink);
        }
      }
    }
  }

  /** An explicit null is unset too; JSONPatch {@code add} replaces it. */
  private static void ifUnset(ObjectNode parent, String field, String pointer, JsonNode value, Sink sink) {
    JsonNode current = parent.get(field);
    if (current == null || current.isNull()) {
      sink.missing(parent, field, pointer + "/" + field, value);
    }
  }
}
