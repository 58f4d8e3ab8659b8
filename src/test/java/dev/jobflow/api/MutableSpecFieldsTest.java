package dev.jobflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MutableSpecFieldsTest {
  @Test
  void namesTheFieldsAsMessagesShowThem() {
    assertEquals("spec.suspend, spec.parallelism and spec.shutdown", MutableSpecFields.paths());
  }

  @Test
  void aPathInsideAMutableFieldIsMutableAndOnlyThen() {
    assertTrue(MutableSpecFields.contains("spec.parallelism"));
    assertTrue(MutableSpecFields.contains("spec.shutdown"));
    assertFalse(MutableSpecFields.contains("spec.suspended"), "a prefix of a name is another field");
    assertFalse(MutableSpecFields.contains("spec.steps[0].name"));
  }
}
