package dev.jobflow.journal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the embedded H2 journal with other processes on this machine while the controller has it open, so
 * {@code jobflow audit} works against a running controller. H2 allows one process per database file; its
 * AUTO_SERVER mode would do this but cannot be combined with {@code DB_CLOSE_ON_EXIT=FALSE}, which the controller
 * needs (see {@link JournalSettings#jdbcUrl()}). So the controller serves the open database over H2's TCP protocol
 * on a free loopback port (local clients only, existing databases only) and writes its URL to
 * {@code <data-dir>/journal.server}; readers use that URL when the server answers, the file otherwise.
 */
public final class JournalServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalServer.class);
  static final String SERVER_FILE = "journal.server";

  private final Server server;
  private final Path urlFile;

  private JournalServer(Server server, Path urlFile) {
    this.server = server;
    this.urlFile = urlFile;
  }

  /** Serves an embedded journal; null for any other journal (PostgreSQL serves itself). */
  public static JournalServer start(JournalSettings settings) {
    if (!settings.isEmbedded()) {
      return null;
    }
    try {
      Server server = Server.createTcpServer("-tcpPort", "0", "-ifExists").start();
      String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/" + settings.h2File();
      Path urlFile = settings.dataDir().resolve(SERVER_FILE);
      Files.writeString(urlFile, url + "\n");
      return new JournalServer(server, urlFile);
    } catch (SQLException | IOException e) {
      // The controller works without it; only readers in other processes must wait until it stops.
      log.warn("cannot share the H2 journal with other processes (jobflow audit): {}", e.getMessage());
      return null;
    }
  }

  /** The URL of the server of a running controller for this embedded journal, if one answers. */
  public static Optional<String> runningUrl(JournalSettings settings) {
    Path urlFile = settings.dataDir().resolve(SERVER_FILE);
    if (!settings.isEmbedded() || !Files.exists(urlFile)) {
      return Optional.empty();
    }
    try {
      String url = Files.readString(urlFile).strip();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:h2:tcp://127\\.0\\.0\\.1:(\\d+)/").matcher(url);
      if (!m.find()) {
        return Optional.empty();
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), 2000);
      }
      return Optional.of(url);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a controller that stopped without cleaning up: the file is free again
    }
  }

  @Override
  public void close() {
    server.stop();
    try {
      Files.deleteIfExists(urlFile);
    } catch (IOException e) {
      log.debug("cannot delete {}", urlFile, e);
    }
  }
}
