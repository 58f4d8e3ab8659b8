package dev.jobflow.http;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server TLS from PEM files that follows the files: each new connection first checks whether the
 * certificate or key changed on disk (cert-manager renews them in place, through a symlink swap) and,
 * if so, reloads them. Established connections keep the certificate they were opened with.
 *
 * <p>A change that does not load (a half-written pair, a key of another certificate) is logged and the
 * previous certificate stays in service; it is retried when the files change again.
 */
public final class ReloadingTls {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);
  /** TLS 1.0 and 1.1 are broken and refused by the Kubernetes API server anyway. */
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final Path certFile;
  private final Path keyFile;
  private volatile Loaded loaded;
  /** Stamps of the last change that failed to load, so a broken pair is not re-parsed on every connection. */
  private volatile Stamps rejected;

  private record Stamps(FileStamp cert, FileStamp key) {}

  private record FileStamp(Object fileKey, long modifiedNanos, long size) {}

  private record Loaded(Stamps stamps, PemKeyMaterial material, SSLContext context) {}

  private ReloadingTls(Path certFile, Path keyFile, Loaded loaded) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.loaded = loaded;
  }

  /**
   * Loads the files once; fails at once when they are missing or unusable, so a misconfigured server
   * never starts.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static ReloadingTls fromPemFiles(Path certFile, Path keyFile) {
    Stamps stamps = stamps(certFile, keyFile);
    PemKeyMaterial material = PemKeyMaterial.read(certFile, keyFile);
    ReloadingTls tls = new ReloadingTls(certFile, keyFile, new Loaded(stamps, material, material.toSslContext()));
    log.info("TLS certificate {} loaded from {} (valid until {})",
        material.leaf().getSubjectX500Principal().getName(), certFile, material.leaf().getNotAfter());
    return tls;
  }

  /** The akka-http server context: every new connection gets an engine from the current certificate. */
  public HttpsConnectionContext connectionContext() {
    return ConnectionContext.httpsServer(this::newServerEngine);
  }

  /** An engine for one new server connection, from the files as they are now. */
  public SSLEngine newServerEngine() {
    SSLEngine engine = current().createSSLEngine();
    engine.setUseClientMode(false);
    String[] supported = engine.getSupportedProtocols();
    engine.setEnabledProtocols(PROTOCOLS.stream().filter(p -> Arrays.asList(supported).contains(p)).toArray(String[]::new));
    return engine;
  }

  /** The certificate new connections are served. */
  public X509Certificate certificate() {
    refreshIfChanged();
    return loaded.material().leaf();
  }

  private SSLContext current() {
    refreshIfChanged();
    return loaded.context();
  }

  private void refreshIfChanged() {
    Stamps now;
    try {
      now = stamps(certFile, keyFile);
    } catch (IllegalArgumentException e) {
      // Mid-swap a file can be missing for an instant; the next connection looks again.
      return;
    }
    if (now.equals(loaded.stamps()) || now.equals(rejected)) {
      return;
    }
    synchronized (this) {
      if (now.equals(loaded.stamps()) || now.equals(rejected)) {
        return;
      }
      try {
        PemKeyMaterial material = PemKeyMaterial.read(certFile, keyFile);
        X509Certificate before = loaded.material().leaf();
        loaded = new Loaded(now, material, material.toSslContext());
        rejected = null;
        if (!Objects.equals(before, material.leaf())) {
          log.info("TLS certificate reloaded from {}: now {} (serial {}, valid until {})", certFile,
              material.leaf().getSubjectX500Principal().getName(), material.leaf().getSerialNumber().toString(16),
              material.leaf().getNotAfter());
        }
      } catch (IllegalArgumentException e) {
        rejected = now;
        log.warn("TLS files changed but do not load, still serving the previous certificate: {}", e.getMessage());
      }
    }
  }

  private static Stamps stamps(Path certFile, Path keyFile) {
    return new Stamps(stamp(certFile), stamp(keyFile));
  }

  private static FileStamp stamp(Path file) {
    try {
      // Follows symlinks: a Kubernetes secret volume swaps the ..data link, not the files themselves.
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(attrs.fileKey(), attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          attrs.size());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS file " + file + ": " + e, e);
    }
  }
}
