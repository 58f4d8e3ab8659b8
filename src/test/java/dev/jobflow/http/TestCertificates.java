package dev.jobflow.http;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed server certificates for tests, written as PEM the way cert-manager and openssl write them. */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** How the private key is encoded in {@code tls.key}. */
  public enum KeyFormat {
    /** {@code BEGIN PRIVATE KEY}. */
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}: cert-manager's default. */
    TRADITIONAL
  }

  /** A certificate with its key. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    public String certificatePem() {
      return pem(certificate);
    }

    public String keyPem(KeyFormat format) {
      try {
        if (format == KeyFormat.PKCS8) {
          return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        }
        if (keys.getPrivate() instanceof ECPrivateKey ec) {
          // As Go (cert-manager) and openssl write SEC1: with the named curve and the public key.
          var spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
          var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
              spki.getPublicKeyData(), spki.getAlgorithm().getParameters());
          return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
        return pem(keys.getPrivate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** SEC1 as BouncyCastle writes it from a JDK key: neither curve nor public key inside. */
    public String bareSec1KeyPem() {
      return pem(keys.getPrivate());
    }

    /**
     * Writes {@code tls.crt} and {@code tls.key} into {@code dir}, each by an atomic rename as the
     * kubelet swaps secret files.
     */
    public Path[] writeTo(Path dir, KeyFormat format) {
      try {
        Files.createDirectories(dir);
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        replace(cert, certificatePem());
        replace(key, keyPem(format));
        return new Path[] {cert, key};
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A client context that trusts only this certificate. */
    public SSLContext clientContext() {
      return trusting(certificate);
    }

    /** A JDK HTTP/1.1 client that trusts only this certificate. */
    public HttpClient httpClient() {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientContext())
          .connectTimeout(Duration.ofSeconds(10)).build();
    }
  }

  private TestCertificates() {}

  /** An EC P-256 certificate for {@code localhost} and {@code 127.0.0.1}: quick to make. */
  public static Issued ec(String commonName) {
    return issue(commonName, generate("EC"), "SHA256withECDSA");
  }

  public static Issued rsa(String commonName) {
    return issue(commonName, generate("RSA"), "SHA256withRSA");
  }

  public static SSLContext trusting(X509Certificate... certificates) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < certificates.length; i++) {
        trust.setCertificateEntry("trusted-" + i, certificates[i]);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void replace(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".swap-", ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static KeyPair generate(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued issue(String commonName, KeyPair keys, String signature) {
    try {
      X500Name name = new X500Name("CN=" + commonName);
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      var signer = new JcaContentSignerBuilder(signature).build(keys.getPrivate());
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new Issued(certificate, keys);
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
