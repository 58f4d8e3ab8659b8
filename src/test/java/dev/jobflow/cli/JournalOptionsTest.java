package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.JournalSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class JournalOptionsTest {
  @Command(name = "some-command")
  static final class SomeCommand {
    @Mixin
    JournalOptions journal;
  }

  private static JournalSettings parse(String... args) {
    SomeCommand cmd = CommandLine.populateCommand(new SomeCommand(), args);
    return cmd.journal.settings(ConfigFactory.load());
  }

  @Test
  void withoutFlagsTheConfigDecides() {
    JournalSettings s = parse();
    assertTrue(s.isEmbedded());
    assertTrue(s.createSchema());
  }

  @Test
  void flagsOverrideTheConfig() {
    JournalSettings s = parse("--journal-url", "jdbc:postgresql://db:5432/j", "--journal-user", "flows",
        "--data-dir", "/srv/jobflow", "--no-journal-create-schema");
    assertEquals(JournalDialect.POSTGRESQL, s.dialect());
    assertEquals("jdbc:postgresql://db:5432/j", s.jdbcUrl());
    assertEquals("flows", s.user());
    assertEquals(Path.of("/srv/jobflow"), s.dataDir());
    assertFalse(s.createSchema());
  }
}
