package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow watch}: a live view of running flows until they end, exiting with their outcome. */
@Command(name = "watch",
    header = "Follow flows live until they end.", mixinStandardHelpOptions = true,
    description = {"Shows a live tree of the flows' steps (phase, attempt, duration) until they end; on a pipe,",
        "a progress line per change instead. Exit status: 0 every flow Succeeded; 1 one Failed, was Cancelled or",
        "deleted, or does not exist; 3 the cluster could not be reached, or --timeout ran out."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow watch etl-diamond",
        "  jobflow watch -n data nightly --timeout 2h && echo succeeded",
        "  jobflow watch hello -o json             # each new state of the object"})
final class WatchCommand extends ClusterCommand {
  @Parameters(arity = "1..*", paramLabel = "NAME", description = "The flows to watch.")
  List<String> names;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0",
      description = "Give up after this long (Go duration), exit 3. Default: no limit.")
  String timeout;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide: the live tree; json or yaml: every new state of each flow as an object.")
  OutputFormat output;

  @Override
  int run() throws Exception {
    var limit = FlowFollower.timeout(timeout);
    List<JobFlow> flows = new ArrayList<>();
    for (String name : names) {
      flows.add(FlowLookup.require(client(), cluster.namespace(), name));
    }
    return FlowFollower.follow(client(), cluster.requestTimeout(), flows,
        LiveViews.forOutput(out(), output, terminal(), true), limit);
  }
}
