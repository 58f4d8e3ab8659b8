package dev.jobflow.step;

/**
 * A Job of a flow as the cluster holds it, read from its {@code jobflow.dev/*} labels: which step and attempt it
 * ran. After the journal was restored from an older backup (or lost), these are the only record of what ran.
 */
public record ExistingJob(String name, String step, int attempt) {}
