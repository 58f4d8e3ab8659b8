package dev.jobflow.flow;

/** Which flow: the JobFlow's namespace and name, and the uid that tells apart re-creations of that name. */
public record FlowId(String namespace, String name, String uid) implements JsonSerializable {
  @Override
  public String toString() {
    return namespace + "/" + name + " (" + uid + ")";
  }
}
