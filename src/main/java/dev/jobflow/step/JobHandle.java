package dev.jobflow.step;

/**
 * The Job of one attempt, as created or adopted.
 *
 * @param adopted true when the Job already existed (created before a restart) and was taken over
 */
public record JobHandle(JobKey job, String uid, boolean adopted) {}
