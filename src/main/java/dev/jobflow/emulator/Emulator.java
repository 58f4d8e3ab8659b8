package dev.jobflow.emulator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Kubernetes API server on loopback, good enough for Jobflow and kubectl: fabric8's CRUD emulator
 * ({@link EmulatorStore}) behind an HTTP front end ({@link ApiServer}) with the Jobflow CRDs
 * installed, plus an optional executor that runs the Jobs ({@link JobRunner}).
 *
 * <pre>{@code
 * try (Emulator emulator = Emulator.start(EmulatorOptions.defaults())) {
 *   KubernetesClient client = emulator.client();
 *   ...
 * }
 * }</pre>
 */
public final class Emulator implements AutoCloseable {
  /** The CRDs the build generates: JobFlow, JobFlowTemplate, CronJobFlow and JobFlowTrigger. */
  static final java.util.List<String> CRD_RESOURCES = java.util.List.of(
      "/META-INF/fabric8/jobflows.jobflow.dev-v1.yml",
      "/META-INF/fabric8/jobflowtemplates.jobflow.dev-v1.yml",
      "/META-INF/fabric8/cronjobflows.jobflow.dev-v1.yml", "/META-INF/fabric8/jobflowtriggers.jobflow.dev-v1.yml");

  private final EmulatorOptions options;
  private final Vertx vertx;
  private final EmulatorStore store;
  private final ApiServer server;
  private final String url;
  private final KubernetesClient client;
  private final JobRunner runner;
  private final AccessReviews reviews = new AccessReviews();
  private final Faults faults = new Faults();

  private Emulator(EmulatorOptions options) {
    this.options = options;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(8));
    this.store = new EmulatorStore(new WatchHub(options.watchHistory(), options.watchHistoryBytes()));
    store.useWebhooks(options.webhooks());
    this.server = new ApiServer(vertx, store, (ns, job) -> options.executor() == EmulatorOptions.ExecutorKind.PROCESS
        ? ProcessExecutor.logFile(options.dataDir(), ns, job) : null, reviews, faults);
    int port = server.start(options.host(), options.port());
    this.url = "http://" + options.host() + ":" + port;
    // The emulator's own client (its kubelet, and tests' view of the truth) is never served a fault.
    Config own = config();
    own.setCustomHeaders(java.util.Map.of(ApiServer.EXEMPT_FROM_FAULTS, "true"));
    this.client = new KubernetesClientBuilder().withConfig(own).build();
    installBasics();
    store.customTypes(); // read the CRDs now, not on the event loop of the first watch
    this.runner = options.executor() == EmulatorOptions.ExecutorKind.NONE
        ? null : new JobRunner(store, executorFor(options), options.createPods());
    if (runner != null) {
      runner.start();
    }
  }

  /** Starts an emulator; {@link #close()} stops it and everything it runs. */
  public static Emulator start(EmulatorOptions options) {
    return new Emulator(options);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return url;
  }

  /** A client for this emulator, closed with it. */
  public KubernetesClient client() {
    return client;
  }

  /** A fabric8 configuration for this emulator, to build more clients (e.g. a controller's). */
  public Config config() {
    return new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace("default")
        .withTrustCerts(true).withRequestTimeout(30_000).withConnectionTimeout(10_000).build();
  }

  /** Writes a kubeconfig (context {@code jobflow-emulator}) that points kubectl at this emulator. */
  public Path writeKubeconfig(Path file) throws IOException {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: jobflow-emulator
          cluster:
            server: %s
        users:
        - name: jobflow-emulator
          user:
            token: emulator
        contexts:
        - name: jobflow-emulator
          context:
            cluster: jobflow-emulator
            user: jobflow-emulator
            namespace: default
        current-context: jobflow-emulator
        """.formatted(url);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, yaml);
    return file;
  }

  /** Who the emulator's TokenReviews and SubjectAccessReviews authenticate and allow: configure before use. */
  public AccessReviews accessReviews() {
    return reviews;
  }

  /** The faults this emulator serves to every client but its own {@link #client()}. */
  public Faults faults() {
    return faults;
  }

  /** How many watches are open now (tests use it to know an informer is connected). */
  public int openWatches() {
    return store.hub.watchCount();
  }

  /** How many changes a watch may resume from now: its history, bounded by count and by size. */
  public int resumableChanges() {
    return store.hub.retained();
  }

  /**
   * Ends every open watch, as an API-server restart or a network cut would. With
   * {@code forgetHistory}, watches resumed from an old resourceVersion get 410 Gone, so informers relist.
   */
  public void dropWatches(boolean forgetHistory) {
    // A fresh resourceVersion: lists from now on carry it, and every older one is too old to resume.
    store.hub.dropAll(forgetHistory ? store.requestResourceVersion() : -1);
  }

  @Override
  public void close() {
    if (runner != null) {
      runner.close();
    }
    client.close();
    server.close();
    vertx.close();
  }

  private void installBasics() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    for (String resource : CRD_RESOURCES) {
      try (InputStream in = Emulator.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the CRD " + resource + " is not on the classpath (run mvn process-classes)");
        }
        CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the CRD " + resource + ": " + e.getMessage(), e);
      }
    }
  }

  private static JobExecutor executorFor(EmulatorOptions options) {
    return switch (options.executor()) {
      case SIMULATE -> new SimulateExecutor();
      case PROCESS -> new ProcessExecutor(options.dataDir());
      case NONE -> throw new IllegalArgumentException("no executor");
    };
  }
}
