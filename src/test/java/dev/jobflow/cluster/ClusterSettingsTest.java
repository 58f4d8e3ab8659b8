package dev.jobflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  private static ClusterSettings read(String hocon) {
    return ClusterSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
  }

  @Test
  void withoutSettingsAControllerFormsAClusterOfOneOnAFreeLoopbackPort() {
    ClusterSettings s = read("");
    assertTrue(s.isClusterOfOne());
    assertFalse(s.expectsOtherMembers());
    Config akka = s.akkaConfig();
    assertEquals("cluster", akka.getString("akka.actor.provider"));
    assertEquals("127.0.0.1", akka.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(0, akka.getInt("akka.remote.artery.canonical.port"));
    assertEquals(List.of(), akka.getStringList("akka.cluster.seed-nodes"));
    assertFalse(akka.hasPath("akka.management"), "no management endpoint for a cluster of one");
  }

  @Test
  void seedNodesBecomeAkkaAddressesOfTheOneSystemName() {
    ClusterSettings s = read("jobflow.cluster { host = 10.0.0.5, port = 25520, seed-nodes = \"10.0.0.5:25520, 10.0.0.6:25520\" }");
    assertTrue(s.expectsOtherMembers());
    assertEquals(List.of("akka://jobflow@10.0.0.5:25520", "akka://jobflow@10.0.0.6:25520"),
        s.akkaConfig().getStringList("akka.cluster.seed-nodes"));
    assertEquals(25520, s.akkaConfig().getInt("akka.remote.artery.canonical.port"));
  }

  @Test
  void bootstrapDiscoversPodsThroughTheApiServer() {
    ClusterSettings s = read("jobflow.cluster { host = 10.0.0.7, port = 25520, bootstrap { enabled = on, "
        + "required-contact-points = 2, management-port = 8558 } }");
    assertTrue(s.expectsOtherMembers());
    Config akka = s.akkaConfig();
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("kubernetes-api", akka.getString(discovery + "discovery-method"));
    assertEquals("controller", akka.getString(discovery + "service-name"));
    assertEquals(2, akka.getInt(discovery + "required-contact-point-nr"));
    assertEquals("10.0.0.7", akka.getString("akka.management.http.hostname"));
    assertEquals(8558, akka.getInt("akka.management.http.port"));
  }

  @Test
  void theSplitBrainResolverKeepsTheMajorityAndNothingAutoDowns() {
    Config config = ConfigFactory.load();
    assertEquals("akka.cluster.sbr.SplitBrainResolverProvider", config.getString("akka.cluster.downing-provider-class"));
    assertEquals("keep-majority", config.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertFalse(config.hasPath("akka.cluster.auto-down-unreachable-after"));
    assertEquals("ddata", config.getString("akka.cluster.sharding.remember-entities-store"));
  }

  @Test
  void badSettingsNameTheirField() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> read("jobflow.cluster.seed-nodes = \"akka://jobflow@h:1\""));
    assertTrue(e.getMessage().contains("jobflow.cluster.seed-nodes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> read("jobflow.cluster { seed-nodes = \"h:1\", bootstrap.enabled = on }"));
    assertTrue(e.getMessage().contains("exclude each other"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> read("jobflow.cluster.port = 70000"));
    assertTrue(e.getMessage().contains("jobflow.cluster.port"), e.getMessage());
    assertNull(read("").bootstrap());
  }
}
