package dev.jobflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifySettingsTest {
  @Test
  void backoffDoublesFromTheMinimumUpToTheCap() {
    NotifySettings s = NotifySettings.defaultSettings().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertEquals(List.of(1L, 2L, 4L, 8L, 10L, 10L), List.of(1, 2, 3, 4, 5, 40).stream()
        .map(a -> s.backoff(a).toSeconds()).toList());
  }

  @Test
  void theControllerDefaultsAreReadAndCheckedAsAFlowsSinksAre() {
    NotifySettings s = NotifySettings.fromConfig(ConfigFactory.parseString("""
        jobflow.notify.sinks = [{url = "https://hooks.example.com/jobflow", events = [flow.failed],
          headers {X-Team = data}, bearer-token-file = /etc/jobflow/notify/token}]
        """).withFallback(ConfigFactory.load()));
    assertTrue(s.enabled());
    assertEquals(Duration.ZERO, s.giveUpAfter(), "never gives up by default");
    Sink sink = s.defaults().get(0);
    assertEquals("https://hooks.example.com/jobflow", sink.url().toString());
    assertTrue(sink.wants("flow.failed") && !sink.wants("flow.started"));
    assertEquals("data", sink.headers().get("X-Team"));
    assertEquals(Path.of("/etc/jobflow/notify/token"), sink.tokenFile());

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> NotifySettings.fromConfig(
        ConfigFactory.parseString("jobflow.notify.sinks = [{url = \"ftp://x\"}]").withFallback(ConfigFactory.load())));
    assertTrue(bad.getMessage().startsWith("jobflow.notify.sinks[0].url: "), bad.getMessage());
  }

  @Test
  void whatToRetryFollowsTheCloudEventsBinding() {
    assertEquals(SinkClient.Result.DELIVERED, SinkClient.classify(202).result());
    for (int retryable : new int[] {500, 503, 404, 408, 409, 429}) {
      assertEquals(SinkClient.Result.RETRYABLE, SinkClient.classify(retryable).result(), "" + retryable);
    }
    for (int rejected : new int[] {400, 401, 403, 413, 422}) {
      assertEquals(SinkClient.Result.REJECTED, SinkClient.classify(rejected).result(), "" + rejected);
    }
  }
}
