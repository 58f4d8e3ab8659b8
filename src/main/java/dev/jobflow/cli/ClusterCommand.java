package dev.jobflow.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A verb that talks to a cluster through the fabric8 client: the cluster options, one client for the
 * command's life, and API failures turned into one line and an exit code ({@link ClusterErrors}).
 */
abstract class ClusterCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @ParentCommand
  JobflowCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    root.quietLibraryLogs();
    try {
      return run();
    } catch (KubernetesClientException e) {
      throw ClusterErrors.describe(e, cluster.server());
    } finally {
      cluster.close();
    }
  }

  /** The command's work; its exit code. */
  abstract int run() throws Exception;

  KubernetesClient client() {
    return cluster.client();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** True when standard output is a terminal: live views redraw in place instead of printing lines. */
  boolean terminal() {
    return root.terminal;
  }
}
