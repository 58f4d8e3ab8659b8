package dev.jobflow.http;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate chain and its private key read from PEM files, as cert-manager mounts them
 * ({@code tls.crt}, {@code tls.key}). Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}).
 */
public record PemKeyMaterial(List<X509Certificate> chain, PrivateKey key) {

  public PemKeyMaterial {
    chain = List.copyOf(chain);
  }

  /** The certificate this server presents: the first of the chain. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Reads and cross-checks both files.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static PemKeyMaterial read(Path certFile, Path keyFile) {
    return parse(readText(certFile, "certificate"), certFile.toString(), readText(keyFile, "key"), keyFile.toString());
  }

  /** Parses PEM texts; {@code certName} and {@code keyName} only label error messages. */
  public static PemKeyMaterial parse(String certPem, String certName, String keyPem, String keyName) {
    List<X509Certificate> chain = parseCertificates(certPem, certName);
    PrivateKey key = parseKey(keyPem, keyName);
    // A half-written swap (new certificate, old key) must never be served: every handshake would fail.
    if (!keyMatches(key, chain.get(0))) {
      throw new IllegalArgumentException("TLS key " + keyName + " does not belong to the certificate in " + certName
          + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new PemKeyMaterial(chain, key);
  }

  /** A server-side TLS context presenting this chain. */
  public SSLContext toSslContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a TLS context from " + leaf().getSubjectX500Principal().getName()
          + ": " + e.getMessage(), e);
    }
  }

  private static String readText(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS " + what + " file " + file + ": " + e, e);
    }
  }

  private static List<X509Certificate> parseCertificates(String pem, String name) {
    List<X509Certificate> chain = new ArrayList<>();
    var converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(reader(pem))) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new IllegalArgumentException("TLS certificate " + name + " is not valid PEM: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("TLS certificate " + name + " holds no certificate (expected BEGIN CERTIFICATE)");
    }
    return chain;
  }

  private static PrivateKey parseKey(String pem, String name) {
    Object found = null;
    ASN1ObjectIdentifier curve = null;
    try (PEMParser parser = new PEMParser(reader(pem))) {
      Object item;
      // Other blocks (a certificate) are skipped; EC PARAMETERS name the curve of a key that may not.
      while (found == null && (item = parser.readObject()) != null) {
        if (item instanceof ASN1ObjectIdentifier oid) {
          curve = oid;
        } else if (item instanceof PEMKeyPair || item instanceof PrivateKeyInfo
            || item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
          found = item;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("TLS key " + name + " is not valid PEM: " + e.getMessage(), e);
    }
    if (found == null) {
      throw new IllegalArgumentException("TLS key " + name
          + " holds no private key (expected BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }
    if (found instanceof PEMEncryptedKeyPair || found instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new IllegalArgumentException("TLS key " + name + " is encrypted; an unencrypted key is needed");
    }
    try {
      PrivateKeyInfo info = found instanceof PEMKeyPair pair ? withCurve(pair, curve) : (PrivateKeyInfo) found;
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("TLS key " + name + " is not a usable private key: " + e.getMessage(), e);
    }
  }

  /**
   * SEC1 EC keys may leave the curve out of the key itself (it is optional there); the JDK needs it, so
   * take it from the key's public half or a preceding EC PARAMETERS block.
   */
  private static PrivateKeyInfo withCurve(PEMKeyPair pair, ASN1ObjectIdentifier curve) throws IOException {
    PrivateKeyInfo info = pair.getPrivateKeyInfo();
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    boolean ecWithoutCurve = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
        && (algorithm.getParameters() == null || algorithm.getParameters() instanceof ASN1Null);
    if (!ecWithoutCurve) {
      return info;
    }
    SubjectPublicKeyInfo publicInfo = pair.getPublicKeyInfo();
    if (publicInfo != null && publicInfo.getAlgorithm().getParameters() != null
        && !(publicInfo.getAlgorithm().getParameters() instanceof ASN1Null)) {
      return new PrivateKeyInfo(publicInfo.getAlgorithm(), info.parsePrivateKey());
    }
    if (curve != null) {
      return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
          info.parsePrivateKey());
    }
    throw new IOException("EC key names no curve (add the EC PARAMETERS block)");
  }

  private static boolean keyMatches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      throw new IllegalArgumentException("unsupported TLS key algorithm " + key.getAlgorithm() + " (use RSA or EC)");
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static Reader reader(String pem) {
    return new StringReader(pem);
  }
}
