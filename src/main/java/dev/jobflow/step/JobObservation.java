package dev.jobflow.step;

import java.time.Instant;

/**
 * One look at a Job.
 *
 * @param uid the Job's uid, null when unknown (e.g. Deleted before it was ever seen)
 * @param reason the Job condition's reason (e.g. {@code BackoffLimitExceeded}), null when none
 * @param message the Job condition's message, null when none
 * @param at when the state was reached (the condition's transition time) or observed
 */
public record JobObservation(JobKey job, String uid, JobState state, String reason, String message, Instant at) {}
