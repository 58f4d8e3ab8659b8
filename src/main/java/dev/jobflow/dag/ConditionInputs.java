package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;
import java.util.List;
import java.util.Map;

/**
 * What a step's condition may read: the flow's facts and how the steps upstream of it ended (for a finally step:
 * every DAG step). A view of the flow's state at the moment of evaluation.
 */
public interface ConditionInputs {
  /** The flow's name, namespace, labels and parameters. */
  FlowFacts flow();

  /** How a step ended; null when there is no step of that name or it is not upstream of the evaluated step. */
  StepResult step(String name);

  /** The names of every step in scope (upstream, or every DAG step for a finally step), in graph order. */
  List<String> stepsInScope();

  /** The item of the instance being evaluated, as JSON text; null when it is not an instance of a fan-out step. */
  default String item() {
    return null;
  }

  /** The position of the instance's item in its step's list; -1 when it is not an instance. */
  default int index() {
    return -1;
  }

  /**
   * One step as a condition sees it.
   *
   * @param outputs the outputs its Job wrote (empty when none were read or written)
   * @param exitCode the exit code of its last container run, null when unknown (skipped, or not read)
   */
  record StepResult(StepPhase phase, String reason, Map<String, String> outputs, Integer exitCode) {}
}
