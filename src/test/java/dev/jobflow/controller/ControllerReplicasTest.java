package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.cluster.ClusterSettings;
import dev.jobflow.journal.JournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several replicas share one journal: the embedded H2 file cannot be it. */
class ControllerReplicasTest {
  @TempDir
  Path dir;

  private ControllerSettings settings(Config config) {
    return ControllerSettings.fromConfig(config, new ControllerSettings.Cluster(null, List.of()),
        JournalSettings.fromConfig(config).withDataDir(dir.resolve("journal")), null).withoutMetrics();
  }

  @Test
  void moreThanOneReplicaOnTheH2JournalIsRefusedAtStartWithTheFixNamed() throws Exception {
    Config config = ConfigFactory.parseString("jobflow.cluster.seed-nodes = \"10.0.0.1:25520,10.0.0.2:25520\"")
        .withFallback(ConfigFactory.load());
    var e = assertThrows(IllegalArgumentException.class, () -> Controller.start(settings(config), config));
    assertTrue(e.getMessage().contains("jobflow.journal.url") && e.getMessage().contains("jdbc:postgresql:")
        && e.getMessage().contains("more than one controller replica"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("journal")) || Files.list(dir.resolve("journal")).findAny().isEmpty(),
        "refused before the journal was opened");
  }

  @Test
  void aClusterOfOneKeepsTheH2JournalAndSeveralReplicasMayUsePostgres() {
    Config one = ConfigFactory.load();
    assertDoesNotThrow(() -> Controller.refuseEmbeddedJournalForSeveral(ClusterSettings.fromConfig(one),
        JournalSettings.fromConfig(one)));
    Config several = ConfigFactory.parseString("jobflow.cluster.bootstrap.enabled = on, "
        + "jobflow.journal.url = \"jdbc:postgresql://db:5432/jobflow\"").withFallback(one);
    assertDoesNotThrow(() -> Controller.refuseEmbeddedJournalForSeveral(ClusterSettings.fromConfig(several),
        JournalSettings.fromConfig(several)));
  }
}
