package dev.jobflow.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.server.Route;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real akka-http server over TLS from PEM files that change under it. */
class HttpFrontTest {
  static final ActorTestKit kit = ActorTestKit.create("http-front");
  static final Route HELLO = path("hello", () -> complete("hi"));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void newConnectionsGetTheCertificateNowOnDisk(@TempDir Path dir) throws Exception {
    Issued first = TestCertificates.ec("first.test");
    Issued second = TestCertificates.rsa("second.test");
    Issued third = TestCertificates.ec("third.test");
    Path[] files = first.writeTo(dir, KeyFormat.TRADITIONAL);
    ReloadingTls tls = ReloadingTls.fromPemFiles(files[0], files[1]);
    HttpFront front = HttpFront.https(kit.system(), "127.0.0.1", 0, HELLO, tls).toCompletableFuture().get();
    try {
      assertTrue(front.isHttps());
      SSLContext trustsAll = TestCertificates.trusting(first.certificate(), second.certificate(), third.certificate());
      HttpResponse<String> hello = get(first.httpClient(), "https://localhost:" + front.port() + "/hello");
      assertEquals(200, hello.statusCode());
      assertEquals("hi", hello.body());
      assertEquals(first.certificate(), peerCertificate(trustsAll, front.port()));

      second.writeTo(dir, KeyFormat.TRADITIONAL);
      assertEquals(second.certificate(), peerCertificate(trustsAll, front.port()));
      assertEquals(200, get(second.httpClient(), "https://127.0.0.1:" + front.port() + "/hello").statusCode());

      // A pair that does not match (the key of another certificate) is not served; the last good one is.
      TestCertificates.replace(files[0], third.certificatePem());
      TestCertificates.replace(files[1], second.keyPem(KeyFormat.PKCS8));
      assertEquals(second.certificate(), peerCertificate(trustsAll, front.port()));
      assertEquals(second.certificate(), tls.certificate());

      // Once the key arrives too, the new certificate is served.
      TestCertificates.replace(files[1], third.keyPem(KeyFormat.PKCS8));
      assertEquals(third.certificate(), peerCertificate(trustsAll, front.port()));

      // Rewritten in place rather than swapped (same inode): still noticed.
      Files.writeString(files[0], first.certificatePem());
      Files.writeString(files[1], first.keyPem(KeyFormat.PKCS8));
      assertEquals(first.certificate(), peerCertificate(trustsAll, front.port()));
    } finally {
      front.stop(Duration.ofSeconds(1)).toCompletableFuture().get();
    }
  }

  @Test
  void speaksOnlyTls12AndUp(@TempDir Path dir) throws Exception {
    Issued cert = TestCertificates.ec("tls.test");
    Path[] files = cert.writeTo(dir, KeyFormat.PKCS8);
    ReloadingTls tls = ReloadingTls.fromPemFiles(files[0], files[1]);
    assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, tls.newServerEngine().getEnabledProtocols());
    HttpFront front = HttpFront.https(kit.system(), "127.0.0.1", 0, HELLO, tls).toCompletableFuture().get();
    try {
      for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
        try (SSLSocket socket = (SSLSocket) cert.clientContext().getSocketFactory().createSocket("127.0.0.1", front.port())) {
          socket.setEnabledProtocols(new String[] {protocol});
          socket.startHandshake();
          assertEquals(protocol, socket.getSession().getProtocol());
        }
      }
      // Plain HTTP on the TLS port gets no answer from the routes.
      HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThrows(IOException.class, () -> get(plain, "http://127.0.0.1:" + front.port() + "/hello"));
    } finally {
      front.stop(Duration.ofSeconds(1)).toCompletableFuture().get();
    }
  }

  @Test
  void servesPlainHttpForTheControllersOwnRoutes() throws Exception {
    HttpFront front = HttpFront.http(kit.system(), "127.0.0.1", 0, HealthRoutes.create(() -> false))
        .toCompletableFuture().get();
    assertFalse(front.isHttps());
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertEquals(200, get(client, "http://127.0.0.1:" + front.port() + "/healthz").statusCode());
    HttpResponse<String> ready = get(client, "http://127.0.0.1:" + front.port() + "/readyz");
    assertEquals(503, ready.statusCode());
    assertEquals("not ready: shutting down\n", ready.body());
    front.stop(Duration.ofSeconds(1)).toCompletableFuture().get();
    HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThrows(ConnectException.class, () -> get(fresh, "http://127.0.0.1:" + front.port() + "/healthz"));
  }

  static X509Certificate peerCertificate(SSLContext context, int port) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  static HttpResponse<String> get(HttpClient client, String uri) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
