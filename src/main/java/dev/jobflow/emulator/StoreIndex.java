package dev.jobflow.emulator;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which keys of fabric8's store map hold a resource of a plural, and of a plural and name, so a read of one
 * object or of one resource looks at a handful of keys instead of matching every stored object (fabric8 scans
 * the whole map on each request). The index only narrows: callers still match each candidate against their
 * query and read it from the map, so fabric8's matching semantics stay the rule. The store keeps it in step
 * from {@code processEvent}, which sees every change under fabric8's write lock.
 */
final class StoreIndex {
  private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;
  private static final String NAME = KubernetesAttributesExtractor.NAME;

  private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
  private final Map<String, Set<AttributeSet>> byPlural = new ConcurrentHashMap<>();

  void added(AttributeSet key) {
    String plural = EmulatorStore.attr(key, PLURAL);
    if (plural == null) {
      return;
    }
    byPlural.computeIfAbsent(plural, p -> ConcurrentHashMap.newKeySet()).add(key);
    String name = EmulatorStore.attr(key, NAME);
    if (name != null) {
      byName.computeIfAbsent(plural + "/" + name, n -> ConcurrentHashMap.newKeySet()).add(key);
    }
  }

  void removed(AttributeSet key) {
    String plural = EmulatorStore.attr(key, PLURAL);
    if (plural == null) {
      return;
    }
    remove(byPlural, plural, key);
    String name = EmulatorStore.attr(key, NAME);
    if (name != null) {
      remove(byName, plural + "/" + name, key);
    }
  }

  /** Forgets everything and indexes these keys: after a change the index could not follow. */
  void rebuild(Collection<AttributeSet> keys) {
    byName.clear();
    byPlural.clear();
    keys.forEach(this::added);
  }

  /**
   * The keys that may match a query: those of its plural and name when it names both, of its plural when it
   * names that only; null when it names no plural (then only a scan answers it).
   */
  Collection<AttributeSet> candidates(AttributeSet query) {
    String plural = EmulatorStore.attr(query, PLURAL);
    if (plural == null) {
      return null;
    }
    String name = EmulatorStore.attr(query, NAME);
    Set<AttributeSet> keys = name == null ? byPlural.get(plural) : byName.get(plural + "/" + name);
    return keys == null ? List.of() : List.copyOf(keys);
  }

  private static void remove(Map<String, Set<AttributeSet>> index, String k, AttributeSet key) {
    index.computeIfPresent(k, (ignored, keys) -> {
      keys.remove(key);
      return keys.isEmpty() ? null : keys;
    });
  }
}
