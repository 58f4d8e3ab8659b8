package dev.jobflow.journal;

/** Marker for the test entity's events and snapshots: Jackson CBOR, as the product's own markers. */
public interface JournalTestSerializable {}
