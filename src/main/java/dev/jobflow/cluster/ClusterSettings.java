package dev.jobflow.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a controller replica finds the others ({@code jobflow.cluster}): nothing configured forms a cluster of one
 * (it joins itself: {@code jobflow dev}, single-replica deploys); seed nodes, or Akka Management's Cluster Bootstrap
 * with Kubernetes API discovery (the production overlay), form a cluster of several. The timings of failure
 * detection, the Split Brain Resolver and sharding are in {@code conf/application.conf} ({@code akka.cluster}).
 *
 * @param host the address other replicas reach this one at (Artery TCP); in a pod its IP
 * @param port the remoting port; 0 picks a free one (only sensible for a cluster of one or tests)
 * @param seedNodes {@code host:port} of replicas to join; empty: none
 * @param bootstrap discovery of the other replicas through the API server; null: off
 */
public record ClusterSettings(String host, int port, List<String> seedNodes, Bootstrap bootstrap) {
  /** The actor system's name: part of every remote address, so the same on every replica. */
  public static final String SYSTEM_NAME = "jobflow";

  public ClusterSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("jobflow.cluster.host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("jobflow.cluster.port must be 0..65535, was " + port);
    }
    seedNodes = seedNodes == null ? List.of() : List.copyOf(seedNodes);
    for (String seed : seedNodes) {
      if (!seed.matches("[^:/@\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("jobflow.cluster.seed-nodes: '" + seed + "' is not host:port");
      }
    }
    if (bootstrap != null && !seedNodes.isEmpty()) {
      throw new IllegalArgumentException(
          "jobflow.cluster: seed-nodes and bootstrap.enabled exclude each other; configure one way to find replicas");
    }
  }

  /**
   * Cluster Bootstrap: replicas are the pods the API server lists with this label selector in the pod's own
   * namespace; they form a new cluster once this many of them answer on the management port.
   *
   * @param serviceName substituted for {@code %s} in {@code akka.discovery.kubernetes-api.pod-label-selector}
   * @param requiredContactPoints how many replicas must be seen before the first forms the cluster (a majority)
   * @param managementPort Akka Management's HTTP port, where replicas probe each other during bootstrap
   */
  public record Bootstrap(String serviceName, int requiredContactPoints, int managementPort) {
    public Bootstrap {
      if (serviceName == null || serviceName.isBlank()) {
        throw new IllegalArgumentException("jobflow.cluster.bootstrap.service-name must not be empty");
      }
      if (requiredContactPoints < 1) {
        throw new IllegalArgumentException(
            "jobflow.cluster.bootstrap.required-contact-points must be >= 1, was " + requiredContactPoints);
      }
    }
  }

  /** A cluster of one on loopback, on a free port. */
  public static ClusterSettings clusterOfOne() {
    return new ClusterSettings("127.0.0.1", 0, List.of(), null);
  }

  /** Reads {@code jobflow.cluster}. */
  public static ClusterSettings fromConfig(Config config) {
    Config c = config.getConfig("jobflow.cluster");
    List<String> seeds = Arrays.stream(c.getString("seed-nodes").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    Config b = c.getConfig("bootstrap");
    Bootstrap bootstrap = b.getBoolean("enabled")
        ? new Bootstrap(b.getString("service-name"), b.getInt("required-contact-points"), b.getInt("management-port"))
        : null;
    return new ClusterSettings(c.getString("host"), c.getInt("port"), seeds, bootstrap);
  }

  /** No other replica configured: this one joins itself. */
  public boolean isClusterOfOne() {
    return bootstrap == null && seedNodes.isEmpty();
  }

  /**
   * Whether other replicas may join: with discovery or seed nodes. The embedded H2 file journal
   * then cannot serve: only one process may open it.
   */
  public boolean expectsOtherMembers() {
    return !isClusterOfOne();
  }

  /** The akka settings this implies, to lay over the rest of the configuration. */
  public Config akkaConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put("akka.actor.provider", "cluster");
    c.put("akka.remote.artery.canonical.hostname", host);
    c.put("akka.remote.artery.canonical.port", port);
    c.put("akka.cluster.seed-nodes", seedNodes.stream().map(s -> "akka://" + SYSTEM_NAME + "@" + s).toList());
    if (bootstrap != null) {
      // Replicas reach each other's management endpoint at the pod IP; it listens on every interface.
      c.put("akka.management.http.hostname", host);
      c.put("akka.management.http.bind-hostname", "0.0.0.0");
      c.put("akka.management.http.port", bootstrap.managementPort());
      c.put("akka.management.http.bind-port", bootstrap.managementPort());
      c.put("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method", "kubernetes-api");
      c.put("akka.management.cluster.bootstrap.contact-point-discovery.service-name", bootstrap.serviceName());
      c.put("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr",
          bootstrap.requiredContactPoints());
    }
    Config overlay = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : c.entrySet()) {
      overlay = overlay.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return overlay;
  }

  @Override
  public String toString() {
    if (bootstrap != null) {
      return "cluster " + host + ":" + port + " by bootstrap (pods of " + bootstrap.serviceName() + ", "
          + bootstrap.requiredContactPoints() + " to form)";
    }
    return seedNodes.isEmpty() ? "cluster of one at " + host + ":" + port
        : "cluster " + host + ":" + port + " seeds " + String.join(",", seedNodes);
  }
}
