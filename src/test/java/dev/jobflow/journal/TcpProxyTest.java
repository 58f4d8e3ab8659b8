package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The proxy the outage tests rely on: it forwards both ways, cuts live and new connections, and restores. */
class TcpProxyTest {

  @Test
  void forwardsCutsAndRestores() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      Thread server = new Thread(() -> echoLoop(echo));
      server.setDaemon(true);
      server.start();

      try (Socket live = new Socket("127.0.0.1", proxy.port())) {
        live.setSoTimeout(5_000);
        assertArrayEquals(bytes("hello"), roundTrip(live, "hello"));

        proxy.cut();
        assertThrows(IOException.class, () -> {
          for (int i = 0; i < 10; i++) {
            roundTrip(live, "lost");
          }
        }, "a live connection is reset by the cut");
      }
      try (Socket during = new Socket("127.0.0.1", proxy.port())) {
        during.setSoTimeout(5_000);
        assertThrows(IOException.class, () -> roundTrip(during, "refused"), "new connections are refused while cut");
      }
      assertEquals(1, proxy.refusedConnections());

      proxy.restore();
      try (Socket after = new Socket("127.0.0.1", proxy.port())) {
        after.setSoTimeout(5_000);
        assertArrayEquals(bytes("back"), roundTrip(after, "back"));
      }
    }
  }

  private static byte[] roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(bytes(text));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] got = in.readNBytes(text.length());
    if (got.length < text.length()) {
      throw new IOException("connection closed after " + got.length + " bytes");
    }
    return got;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void echoLoop(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> {
          try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException ignored) {
            // peer went away
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }
}
