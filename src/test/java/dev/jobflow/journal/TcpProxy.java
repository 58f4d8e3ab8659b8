package dev.jobflow.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process TCP proxy on an ephemeral loopback port, to put between a client (the journal's pool) and a
 * server (PostgreSQL) and {@link #cut()} it: live connections are reset and new ones are reset as soon as
 * they arrive, until {@link #restore()}. The listening port stays bound throughout, so nothing else can
 * take it while the "database" is away.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy to {@code host:port}; connect to {@code 127.0.0.1:}{@link #port()} instead. */
  public static TcpProxy start(String host, int port) throws IOException {
    return new TcpProxy(new InetSocketAddress(host, port));
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Resets every proxied connection and refuses (resets) new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      reset(s);
    }
  }

  /** Lets connections through again. */
  public void restore() {
    cut = false;
  }

  public boolean isCut() {
    return cut;
  }

  /** Connections turned away while cut: shows the client really tried during the outage. */
  public int refusedConnections() {
    return refused.get();
  }

  public int acceptedConnections() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      reset(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        refused.incrementAndGet();
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        accepted.incrementAndGet();
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // the other side or cut() closed the connection
      } finally {
        reset(from);
        reset(to);
      }
    }, "tcp-proxy-pump-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  /** Closes with RST rather than FIN, as a crashed or unreachable server looks to the client. */
  private void reset(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
