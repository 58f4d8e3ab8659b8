package dev.jobflow.cli;

import dev.jobflow.client.ChangeResult;
import dev.jobflow.client.FlowChange;
import dev.jobflow.client.FlowChanges;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A verb that asks named flows for one {@link FlowChange}: each prints what it changed, that nothing needed
 * changing, or why the flow's state does not allow it. A new verb is a subclass naming its change.
 * Exit status: 0 every flow changed or already was so; 1 one was not found or refused; 3 unreachable.
 */
abstract class LifecycleCommand extends ClusterCommand {
  @Parameters(arity = "1..*", paramLabel = "NAME", description = "The flows to change.")
  List<String> names;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide: a line per flow; json or yaml: each flow object after the change.")
  OutputFormat output;

  /** The change this verb asks for. */
  abstract FlowChange change();

  @Override
  final int run() {
    FlowChanges changes = new FlowChanges(client());
    PrintWriter out = out();
    PrintWriter err = err();
    int exit = ExitCodes.OK;
    List<Object> changed = new ArrayList<>();
    for (String name : names) {
      ChangeResult result = changes.apply(cluster.namespace(), name, change());
      switch (result.outcome()) {
        case CHANGED, UNCHANGED -> {
          changed.add(result.flow());
          if (!output.isObjects()) {
            out.println(result.message());
          }
        }
        case REFUSED, NOT_FOUND -> {
          err.println("jobflow: " + result.message());
          exit = ExitCodes.INVALID;
        }
      }
    }
    if (output.isObjects()) {
      ObjectOutput.printAll(out, output, changed);
    }
    out.flush();
    err.flush();
    return exit;
  }
}
