package dev.jobflow.emulator;

import java.util.List;

/**
 * One kind of object the emulator serves, as discovery describes it. Built-in kinds are listed in
 * {@link Discovery}; custom ones come from the CustomResourceDefinitions stored in the emulator.
 */
record ResourceType(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean statusSubresource) {

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** {@code v1} for the core group, {@code group/version} otherwise. */
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The URL prefix of this group-version: {@code /api/v1} or {@code /apis/group/version}. */
  String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  /** The path of one object (or of the collection when {@code name} is null). */
  String path(String namespace, String name) {
    StringBuilder p = new StringBuilder(groupVersionPath());
    if (namespaced && namespace != null) {
      p.append("/namespaces/").append(namespace);
    }
    p.append('/').append(plural);
    if (name != null) {
      p.append('/').append(name);
    }
    return p.toString();
  }

  /** {@code jobs.batch}, {@code pods}: how the API server names a resource in error messages. */
  String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }
}
