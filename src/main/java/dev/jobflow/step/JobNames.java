package dev.jobflow.step;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic Job names: {@code <flow>-<step>-<attempt>}. The name is what makes create-if-absent an
 * adoption after a restart, so it must never depend on anything but these three values.
 */
public final class JobNames {
  /** Longest Job name: Kubernetes copies it into the pods' {@code job-name} label, a DNS-1123 label. */
  public static final int MAX_LENGTH = 63;
  private static final int HASH_LENGTH = 8;

  private JobNames() {}

  /**
   * The Job name of one attempt. When {@code <flow>-<step>-<attempt>} is longer than 63 characters, the
   * flow and step part is cut and a stable hash of the full name keeps it unique:
   * {@code <cut>-<hash8>-<attempt>}.
   */
  public static String of(String flow, String step, int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt + " (step " + step + ")");
    }
    String suffix = "-" + attempt;
    String full = flow + "-" + step + suffix;
    if (full.length() <= MAX_LENGTH) {
      return full;
    }
    String hash = hash(full);
    int keep = MAX_LENGTH - suffix.length() - HASH_LENGTH - 1;
    String cut = (flow + "-" + step).substring(0, keep);
    // A cut ending in '-' would read "--" before the hash: trim it.
    cut = cut.replaceAll("-+$", "");
    return cut + "-" + hash + suffix;
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
