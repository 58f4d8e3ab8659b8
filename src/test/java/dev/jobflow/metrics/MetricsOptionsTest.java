package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class MetricsOptionsTest {
  @Command(name = "serve")
  static final class Serve {
    @Mixin MetricsOptions metrics;
  }

  @Test
  void flagsOverrideTheConfiguredPortAndHost() {
    Serve serve = CommandLine.populateCommand(new Serve(), "--metrics-port", "9200", "--metrics-host", "127.0.0.1");
    var config = serve.metrics.applyTo(ConfigFactory.load());
    assertEquals(9200, config.getInt("jobflow.metrics.port"));
    assertEquals("127.0.0.1", config.getString("jobflow.metrics.host"));
  }

  @Test
  void withoutFlagsTheConfigurationStands() {
    Serve serve = CommandLine.populateCommand(new Serve());
    var base = ConfigFactory.parseString("jobflow.metrics { port = 9300, host = \"10.0.0.1\" }");
    var config = serve.metrics.applyTo(base);
    assertEquals(9300, config.getInt("jobflow.metrics.port"));
    assertEquals("10.0.0.1", config.getString("jobflow.metrics.host"));
  }

  @Test
  void aNonNumericPortIsAUsageError() {
    CommandLine cli = new CommandLine(new Serve());
    cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals(2, cli.execute("--metrics-port", "ninety"));
  }
}
