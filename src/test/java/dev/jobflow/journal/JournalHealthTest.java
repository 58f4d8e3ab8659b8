package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JournalHealthTest {
  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void healthyWhenTheDatabaseAnswers(JournalDialect dialect) {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("health-" + dialect, journal.akkaConfig());
      try {
        assertTrue(JournalSuiteTest.await(new JournalHealth(kit.system()).check()));
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  @Test
  void unhealthyWhileThePostgresqlConnectionIsCutAndHealthyOnceItIsBack() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         TcpProxy proxy = TcpProxy.start(pg.serverHost(), pg.serverPort())) {
      TestJournal journal = TestJournal.postgresVia(pg, proxy.port(), "jobflow.journal.health-timeout = 1s");
      ActorTestKit kit = ActorTestKit.create("health-cut", journal.akkaConfig());
      try {
        JournalHealth health = new JournalHealth(kit.system());
        assertTrue(JournalSuiteTest.await(health.check()), "healthy before the cut");
        proxy.cut();
        assertFalse(JournalSuiteTest.await(health.check()), "unhealthy while cut");
        assertFalse(JournalSuiteTest.await(health.check()), "still unhealthy while cut");
        proxy.restore();
        JournalOutageTest.waitUntil(Duration.ofSeconds(30), () -> JournalSuiteTest.await(health.check()),
            "healthy after the connection is restored");
      } finally {
        kit.shutdownTestKit();
      }
    }
  }
}
