package dev.jobflow.dag;

/**
 * How the instances of one expanded fan-out step stand, counted as facts are applied (never by scanning them).
 * Every instance is in exactly one phase: {@code total} is the sum of the others.
 */
public record InstanceCounts(String step, int total, int pending, int running, int retrying, int succeeded,
                             int failed, int skipped, int cancelled) {}
