package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The ConfigMap carries conf/ unchanged, and conf/logback.xml configures the server without errors. */
class ServerConfigFilesTest {
  private static final Path CONF = Kustomize.PROJECT.resolve("conf");

  @Test
  void theConfigMapIsConfVerbatimInBothOverlays() throws Exception {
    for (String overlay : List.of("dev", "production")) {
      List<ConfigMap> maps = Kustomize.overlay(overlay).all(ConfigMap.class).stream()
          .filter(c -> c.getMetadata().getName().startsWith("jobflow-config-")).toList();
      assertEquals(1, maps.size(), overlay + ": one generated jobflow-config ConfigMap (with its content hash)");
      for (String file : List.of("application.conf", "logback.xml")) {
        assertEquals(Files.readString(CONF.resolve(file)), maps.get(0).getData().get(file), overlay + " " + file);
      }
    }
  }

  @Test
  void serverLogbackConfiguresInfoToStdoutWithoutErrors() throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(CONF.resolve("logback.xml").toFile());
      List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
          .filter(s -> s.getLevel() >= Status.WARN).toList();
      assertEquals(List.of(), problems, "conf/logback.xml");
      ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      String expected = System.getenv().getOrDefault("JOBFLOW_LOG_LEVEL", "INFO");
      assertEquals(Level.toLevel(expected), root.getLevel(), "root level (JOBFLOW_LOG_LEVEL, default INFO)");
      assertTrue(root.iteratorForAppenders().hasNext(), "root has an appender");
    } finally {
      context.stop();
    }
  }
}
