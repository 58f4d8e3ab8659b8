package dev.jobflow.flow;

/**
 * Marks what Akka serializes with Jackson CBOR (bound in {@code conf/application.conf}): the flow's events,
 * snapshots and commands. Java serialization is off; the journal must stay readable for auditors forever,
 * so changes to these types keep old fields readable (see the golden files under src/test/resources/golden).
 */
public interface JsonSerializable {}
