package dev.jobflow.cli;

/** A flow named on the command line as {@code NAME} (in the current namespace) or {@code NAMESPACE/NAME}. */
record FlowRef(String namespace, String name) {
  static FlowRef parse(String text, String defaultNamespace) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new FlowRef(defaultNamespace, text);
    }
    if (slash == 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
      throw new CommandFailure(ExitCodes.ERROR, "'" + text + "' is not NAME or NAMESPACE/NAME");
    }
    return new FlowRef(text.substring(0, slash), text.substring(slash + 1));
  }
}
