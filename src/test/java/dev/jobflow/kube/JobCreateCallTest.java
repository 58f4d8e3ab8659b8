package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the Job create reads of the API server's answer; the calls themselves run against the emulator elsewhere. */
class JobCreateCallTest {
  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theUidOfACreatedJobIsReadPastEverythingBeforeIt() {
    String echo = "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"etl-load-1\","
        + "\"labels\":{\"uid\":\"not-this\"},\"ownerReferences\":[{\"uid\":\"nor-this\",\"kind\":\"JobFlow\"}],"
        + "\"generation\":1,\"uid\":\"6f1c2b9e-0d7a\",\"resourceVersion\":\"12\"},\"spec\":{\"uid\":\"no\"}}";
    assertEquals("6f1c2b9e-0d7a", JobCreateCall.field(json(echo), "metadata", "uid"));
  }

  @Test
  void aRefusalsMessageIsTheStatusMessage() {
    String status = "{\"kind\":\"Status\",\"details\":{\"message\":\"inner\"},\"status\":\"Failure\","
        + "\"message\":\"Job.batch \\\"x\\\" is invalid\",\"code\":422}";
    assertEquals("Job.batch \"x\" is invalid", JobCreateCall.field(json(status), null, "message"));
  }

  @Test
  void anAnswerWithoutTheMemberOrNotJsonGivesNothing() {
    assertNull(JobCreateCall.field(json("{\"metadata\":{\"name\":\"a\"}}"), "metadata", "uid"));
    assertNull(JobCreateCall.field(json("{\"metadata\":\"uid\"}"), "metadata", "uid"));
    assertNull(JobCreateCall.field(json("[1,2]"), null, "message"));
    assertNull(JobCreateCall.field(json("<html>bad gateway</html>"), null, "message"));
    assertNull(JobCreateCall.field(new byte[0], null, "message"));
  }
}
