package dev.jobflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in every encoding cert-manager and openssl write; errors that name the file. */
class PemKeyMaterialTest {
  static final Issued EC = TestCertificates.ec("ec.test");
  static final Issued RSA = TestCertificates.rsa("rsa.test");

  @Test
  void readsEcKeysInSec1AndPkcs8() {
    assertTrue(EC.keyPem(KeyFormat.TRADITIONAL).startsWith("-----BEGIN EC PRIVATE KEY-----"));
    assertTrue(EC.keyPem(KeyFormat.PKCS8).startsWith("-----BEGIN PRIVATE KEY-----"));
    for (KeyFormat format : KeyFormat.values()) {
      var material = PemKeyMaterial.parse(EC.certificatePem(), "tls.crt", EC.keyPem(format), "tls.key");
      assertEquals(EC.certificate(), material.leaf());
      assertEquals(EC.keys().getPrivate().getAlgorithm(), material.key().getAlgorithm());
    }
  }

  @Test
  void readsRsaKeysInPkcs1AndPkcs8() {
    assertTrue(RSA.keyPem(KeyFormat.TRADITIONAL).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    for (KeyFormat format : KeyFormat.values()) {
      var material = PemKeyMaterial.parse(RSA.certificatePem(), "tls.crt", RSA.keyPem(format), "tls.key");
      assertEquals(RSA.certificate(), material.leaf());
      material.toSslContext();
    }
  }

  @Test
  void keepsTheWholeChainAndSkipsParameterBlocks() {
    String chain = EC.certificatePem() + RSA.certificatePem();
    String key = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
        + EC.bareSec1KeyPem();
    var material = PemKeyMaterial.parse(chain, "tls.crt", key, "tls.key");
    assertEquals(2, material.chain().size());
    assertEquals(EC.certificate(), material.leaf());
  }

  @Test
  void explainsAnEcKeyWithoutCurve() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.parse(EC.certificatePem(), "tls.crt", EC.bareSec1KeyPem(), "tls.key"));
    assertTrue(e.getMessage().contains("tls.key") && e.getMessage().contains("names no curve"), e.getMessage());
  }

  @Test
  void refusesAKeyOfAnotherCertificate() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.parse(EC.certificatePem(), "tls.crt", RSA.keyPem(KeyFormat.PKCS8), "tls.key"));
    assertTrue(e.getMessage().contains("tls.key does not belong to the certificate in tls.crt"), e.getMessage());
    var other = TestCertificates.ec("other.test");
    assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.parse(EC.certificatePem(), "tls.crt", other.keyPem(KeyFormat.TRADITIONAL), "tls.key"));
  }

  @Test
  void namesTheFileAndTheProblem(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.writeString(cert, EC.certificatePem());
    Files.writeString(key, "not a key\n");
    var noKey = assertThrows(IllegalArgumentException.class, () -> PemKeyMaterial.read(cert, key));
    assertTrue(noKey.getMessage().contains(key + " holds no private key"), noKey.getMessage());

    Files.writeString(key, EC.keyPem(KeyFormat.PKCS8));
    Files.writeString(cert, EC.keyPem(KeyFormat.PKCS8));
    var noCert = assertThrows(IllegalArgumentException.class, () -> PemKeyMaterial.read(cert, key));
    assertTrue(noCert.getMessage().contains(cert + " holds no certificate"), noCert.getMessage());

    var missing = assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.read(dir.resolve("absent.crt"), key));
    assertTrue(missing.getMessage().contains("absent.crt"), missing.getMessage());

    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    var broken = assertThrows(IllegalArgumentException.class, () -> PemKeyMaterial.read(cert, key));
    assertTrue(broken.getMessage().startsWith("TLS certificate " + cert), broken.getMessage());
  }
}
