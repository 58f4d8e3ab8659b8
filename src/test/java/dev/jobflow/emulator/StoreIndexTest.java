package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads of one object go through the store's name index instead of fabric8's scan: they must answer exactly
 * what the scan answered, through creates, label changes, deletes, recreates, same names in other namespaces and
 * other resources, and writes racing the reads.
 */
class StoreIndexTest {
  static Emulator emulator;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
    client = emulator.client();
    for (String ns : List.of("index-a", "index-b")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static ConfigMap configMap(String ns, String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("v", value)
        .endMetadata().addToData("value", value).build();
  }

  @Test
  void theSameNameInOtherNamespacesAndResourcesStaysApart() {
    client.configMaps().inNamespace("index-a").resource(configMap("index-a", "shared", "a")).create();
    client.configMaps().inNamespace("index-b").resource(configMap("index-b", "shared", "b")).create();
    client.secrets().inNamespace("index-a").resource(new SecretBuilder().withNewMetadata().withName("shared")
        .endMetadata().addToStringData("s", "secret").build()).create();

    assertEquals("a", client.configMaps().inNamespace("index-a").withName("shared").get().getData().get("value"));
    assertEquals("b", client.configMaps().inNamespace("index-b").withName("shared").get().getData().get("value"));
    Secret secret = client.secrets().inNamespace("index-a").withName("shared").get();
    assertNotNull(secret);
    assertNull(client.secrets().inNamespace("index-b").withName("shared").get());

    client.configMaps().inNamespace("index-a").withName("shared").delete();
    client.configMaps().inNamespace("index-a").withName("shared").waitUntilCondition(c -> c == null, 10, TimeUnit.SECONDS);
    assertNull(client.configMaps().inNamespace("index-a").withName("shared").get());
    assertEquals("b", client.configMaps().inNamespace("index-b").withName("shared").get().getData().get("value"));
    assertNotNull(client.secrets().inNamespace("index-a").withName("shared").get(), "another resource keeps its object");

    client.configMaps().inNamespace("index-a").resource(configMap("index-a", "shared", "again")).create();
    assertEquals("again", client.configMaps().inNamespace("index-a").withName("shared").get().getData().get("value"));
  }

  @Test
  void aLabelChangeMovesTheObjectToItsNewKey() {
    client.configMaps().inNamespace("index-a").resource(configMap("index-a", "relabelled", "1")).create();
    client.configMaps().inNamespace("index-a").withName("relabelled").edit(c -> {
      c.getMetadata().setLabels(Map.of("v", "2"));
      return c;
    });
    ConfigMap read = client.configMaps().inNamespace("index-a").withName("relabelled").get();
    assertEquals("2", read.getMetadata().getLabels().get("v"));
    assertEquals(1, client.configMaps().inNamespace("index-a").withLabel("v", "2").list().getItems().size());
    assertTrue(client.configMaps().inNamespace("index-a").withLabel("v", "1").list().getItems().stream()
        .noneMatch(c -> c.getMetadata().getName().equals("relabelled")));
    // An update goes through fabric8's indexed lookup too: it must find the object under its new key.
    client.configMaps().inNamespace("index-a").withName("relabelled").edit(c -> {
      c.getData().put("value", "updated");
      return c;
    });
    assertEquals("updated", client.configMaps().inNamespace("index-a").withName("relabelled").get().getData().get("value"));
  }

  @Test
  void readsRacingUpdatesAlwaysFindTheObject() throws Exception {
    client.configMaps().inNamespace("index-b").resource(configMap("index-b", "busy", "0")).create();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Integer> writer = pool.submit(() -> {
        int n = 0;
        for (; n < 150; n++) {
          String value = String.valueOf(n);
          // New labels give the object a new key in fabric8's map at every write.
          client.configMaps().inNamespace("index-b").withName("busy").edit(c -> {
            c.getMetadata().setLabels(Map.of("v", value));
            return c;
          });
        }
        writing.set(false);
        return n;
      });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (writing.get()) {
            assertNotNull(client.configMaps().inNamespace("index-b").withName("busy").get(), "read " + reads);
            reads++;
          }
          return reads;
        }));
      }
      assertEquals(150, writer.get(120, TimeUnit.SECONDS));
      for (Future<Integer> reader : readers) {
        assertTrue(reader.get(120, TimeUnit.SECONDS) >= 0);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals("149", client.configMaps().inNamespace("index-b").withName("busy").get().getMetadata().getLabels().get("v"));
  }

  @Test
  void listsAnswerTheirNamespaceOrEveryNamespaceInNamespaceAndNameOrder() {
    for (String name : List.of("list-c", "list-a", "list-b")) {
      client.configMaps().inNamespace("index-b").resource(configMap("index-b", name, "listed")).create();
    }
    client.configMaps().inNamespace("index-a").resource(configMap("index-a", "list-z", "listed")).create();

    List<String> inB = client.configMaps().inNamespace("index-b").withLabel("v", "listed").list().getItems().stream()
        .map(c -> c.getMetadata().getName()).toList();
    assertEquals(List.of("list-a", "list-b", "list-c"), inB);
    List<String> everywhere = client.configMaps().inAnyNamespace().withLabel("v", "listed").list().getItems().stream()
        .map(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()).toList();
    assertEquals(List.of("index-a/list-z", "index-b/list-a", "index-b/list-b", "index-b/list-c"), everywhere);
  }

  @Test
  void listsRacingRelabellingWritesHoldTheObjectOnce() throws Exception {
    client.configMaps().inNamespace("index-a").resource(configMap("index-a", "listed-busy", "0")).create();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int n = 1; n <= 100; n++) {
          String value = String.valueOf(n);
          client.configMaps().inNamespace("index-a").withName("listed-busy").edit(c -> {
            c.getMetadata().setLabels(Map.of("v", value));
            return c;
          });
        }
        writing.set(false);
      });
      Future<Integer> reader = pool.submit(() -> {
        int lists = 0;
        while (writing.get()) {
          long held = client.configMaps().inNamespace("index-a").list().getItems().stream()
              .filter(c -> c.getMetadata().getName().equals("listed-busy")).count();
          assertEquals(1, held, "list " + lists);
          lists++;
        }
        return lists;
      });
      writer.get(120, TimeUnit.SECONDS);
      assertTrue(reader.get(120, TimeUnit.SECONDS) >= 0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deletingAnOwnerDeletesTheObjectsThatStillNameIt() {
    ConfigMap owner = client.configMaps().inNamespace("index-a").resource(configMap("index-a", "owner", "o")).create();
    var ref = new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withName("owner").withUid(owner.getMetadata().getUid()).build();
    for (String name : List.of("dependent", "released")) {
      client.configMaps().inNamespace("index-a").resource(new ConfigMapBuilder(configMap("index-a", name, "d"))
          .editMetadata().withOwnerReferences(ref).endMetadata().build()).create();
    }
    // "released" drops its owner: the delete must no longer reach it.
    client.configMaps().inNamespace("index-a").withName("released").edit(c -> {
      c.getMetadata().setOwnerReferences(List.of());
      return c;
    });

    client.configMaps().inNamespace("index-a").withName("owner").delete();

    assertNull(client.configMaps().inNamespace("index-a").withName("owner").get());
    assertNull(client.configMaps().inNamespace("index-a").withName("dependent").get());
    assertNotNull(client.configMaps().inNamespace("index-a").withName("released").get());
  }

  /**
   * Pages of a list come from the ordered index: every object once, in namespace-then-name order across namespaces,
   * also when objects are deleted and created between pages and when a label selector skips most of them.
   */
  @Test
  void pagesAcrossNamespacesListEveryObjectOnceInOrder() {
    List<String> expected = new ArrayList<>();
    for (String ns : List.of("index-b", "index-a")) {
      for (int i = 0; i < 7; i++) {
        String name = "paged-" + (char) ('g' - i);
        client.configMaps().inNamespace(ns).resource(configMap(ns, name, i % 3 == 0 ? "third" : "other")).create();
      }
    }
    for (String ns : List.of("index-a", "index-b")) {
      for (char c = 'a'; c <= 'g'; c++) {
        expected.add(ns + "/paged-" + c);
      }
    }
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      var page = client.configMaps().inAnyNamespace().withLabelIn("v", "third", "other")
          .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(3L).withContinue(next).build());
      page.getItems().forEach(c -> seen.add(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()));
      next = page.getMetadata().getContinue();
      if (pages++ == 1) { // between pages: one already listed goes, one not listed yet goes, one new comes
        client.configMaps().inNamespace("index-a").withName("paged-a").delete();
        client.configMaps().inNamespace("index-b").withName("paged-c").delete();
        client.configMaps().inNamespace("index-b").resource(configMap("index-b", "paged-ca", "other")).create();
      }
    } while (next != null);
    expected.remove("index-b/paged-c");
    expected.add(expected.indexOf("index-b/paged-d"), "index-b/paged-ca");
    assertEquals(expected, seen);
    assertEquals(5, pages, "14 objects in pages of 3: five pages, and no empty one after the last");

    var thirds = client.configMaps().inNamespace("index-b").withLabel("v", "third")
        .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L).build());
    assertEquals(List.of("paged-a", "paged-d"), thirds.getItems().stream().map(c -> c.getMetadata().getName()).toList());
    assertNotNull(thirds.getMetadata().getContinue());
    var rest = client.configMaps().inNamespace("index-b").withLabel("v", "third")
        .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L)
            .withContinue(thirds.getMetadata().getContinue()).build());
    assertEquals(List.of("paged-g"), rest.getItems().stream().map(c -> c.getMetadata().getName()).toList());
    assertNull(rest.getMetadata().getContinue());
  }
}
