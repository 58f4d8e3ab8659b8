package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which spec changes a started flow refuses, by path; and what counts as no change at all. */
class SpecChangesTest {

  static JsonNode json(String text) throws Exception {
    return Reviews.JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void namesChangedLeavesAndSkipsTheMutableFields() throws Exception {
    JsonNode before = json("{'suspend':false,'parallelism':2,'timeout':'1h','steps':[{'name':'a','template':{'x':1}},"
        + "{'name':'b'}]}");
    JsonNode after = json("{'suspend':true,'parallelism':3,'shutdown':'Stop','timeout':'2h',"
        + "'steps':[{'name':'a','template':{'x':2,'y':true}},{'name':'b'}]}");
    assertEquals(List.of("spec.steps[0].template.x", "spec.steps[0].template.y", "spec.timeout"),
        SpecChanges.immutableChanges(before, after));
  }

  @Test
  void aStartedFlowKeepsItsPriorityAndLock() throws Exception {
    // Its place in a lock's queue was taken by these: changing them would let a flow jump or leave a queue unseen.
    assertEquals(List.of("spec.priority", "spec.synchronization.mutex"), SpecChanges.immutableChanges(
        json("{'priority':1,'synchronization':{'mutex':'db'}}"),
        json("{'priority':100,'synchronization':{'mutex':'other'}}")));
    assertEquals(List.of("spec.synchronization"), SpecChanges.immutableChanges(
        json("{'synchronization':{'semaphore':'gpu'}}"), json("{}")));
  }

  @Test
  void aListOfAnotherLengthIsOneChangeOfTheList() throws Exception {
    assertEquals(List.of("spec.steps"),
        SpecChanges.immutableChanges(json("{'steps':[{'name':'a'}]}"), json("{'steps':[{'name':'a'},{'name':'b'}]}")));
  }

  @Test
  void nullIsAbsentAndNumbersCompareByValue() throws Exception {
    assertTrue(SpecChanges.same(json("{'timeout':null,'ttlSecondsAfterFinished':86400}"),
        json("{'ttlSecondsAfterFinished':86400.0}")));
    assertFalse(SpecChanges.same(json("{'timeout':'1h'}"), json("{'timeout':'60m'}")));
    assertFalse(SpecChanges.same(json("{'parallelism':1}"), json("{}")));
  }

  @Test
  void defaultsMakeOldAndNewSpellingsOfOneSpecEqual() throws Exception {
    JsonNode bare = json("{'steps':[{'name':'a','template':{'template':{'spec':{'containers':[]}}}}]}");
    JsonNode spelledOut = json("{'ttlSecondsAfterFinished':86400,'failurePolicy':"
        + "'FailFast','steps':[{'name':'a','template':{'backoffLimit':6,'template':{'spec':{'containers':[],"
        + "'restartPolicy':'Never'}}}}]}");
    assertTrue(SpecChanges.same(FlowDefaults.withDefaults(bare), FlowDefaults.withDefaults(spelledOut)));
    assertTrue(SpecChanges.same(FlowDefaults.withDefaults(bare), spelledOut));
    // withDefaults copies: the stored tree is not changed.
    assertEquals(1, bare.size());
  }
}
