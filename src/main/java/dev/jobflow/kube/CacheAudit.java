package dev.jobflow.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether an informer's cache has fallen behind a list from the API server. A watch that stays open but delivers
 * nothing (a half-open connection, a proxy that stopped forwarding) never errors, so the informer never relists on
 * its own and a resync only re-delivers the stale cache: a list is the one witness that can show it.
 *
 * <p>Resource versions are compared as numbers when both are (as every API server backed by etcd gives them), so
 * a cached object that changed after the list was taken is not mistaken for a stale one; otherwise any difference
 * counts, which at worst costs one unneeded relist.
 */
final class CacheAudit {
  private CacheAudit() {}

  /**
   * The keys whose cached state is older than the listed one: listed but not cached, cached at an older version,
   * or cached at or before the list's version but no longer listed (a deletion the watch did not bring).
   *
   * @param cached resourceVersion of each cached object, by key
   * @param listed resourceVersion of each listed object, by key
   * @param listVersion the list's own resourceVersion
   */
  static List<String> behind(Map<String, String> cached, Map<String, String> listed, String listVersion) {
    List<String> out = new ArrayList<>();
    listed.forEach((key, version) -> {
      String mine = cached.get(key);
      if (mine == null || older(mine, version)) {
        out.add(key);
      }
    });
    cached.forEach((key, version) -> {
      if (!listed.containsKey(key) && !provablyNewer(version, listVersion)) {
        out.add(key);
      }
    });
    return out;
  }

  /** Whether {@code a} is a later version than {@code b}: only numbers can show it. */
  private static boolean provablyNewer(String a, String b) {
    try {
      return Long.parseLong(a) > Long.parseLong(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether {@code a} is an older version than {@code b}; unlike versions that are not numbers count as older. */
  private static boolean older(String a, String b) {
    if (a.equals(b)) {
      return false;
    }
    try {
      return Long.parseLong(a) < Long.parseLong(b);
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
