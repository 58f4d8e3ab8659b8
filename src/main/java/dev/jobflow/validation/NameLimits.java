package dev.jobflow.validation;

/**
 * Name lengths that keep every Job name {@code <flow>-<step>-<attempt>} a valid DNS-1123 label: the Job
 * controller copies the Job name into the {@code job-name} label of its pods, and label values stop at
 * 63 characters. 30 + 1 + 28 + 1 + 3 = 63.
 */
public final class NameLimits {
  /** Longest Job name: a label value. */
  public static final int MAX_JOB_NAME = 63;
  /** Longest {@code metadata.name} of a JobFlow. */
  public static final int MAX_FLOW_NAME = 30;
  /** Longest attempt number in digits: attempts run 1..{@value #MAX_ATTEMPT}. */
  public static final int MAX_ATTEMPT_DIGITS = 3;
  /** Most retries of a step ({@code retries.limit}). */
  public static final int MAX_RETRY_LIMIT = 100;
  /** Highest attempt number: the first attempt plus every retry. */
  public static final int MAX_ATTEMPT = 1 + MAX_RETRY_LIMIT;
  /** Longest step name (in {@code steps} and {@code finally}). */
  public static final int MAX_STEP_NAME = MAX_JOB_NAME - MAX_FLOW_NAME - MAX_ATTEMPT_DIGITS - 2;
  /**
   * Digits of the suffix a CronJobFlow gives each flow it creates, {@code <cron>-<minutes since 1970>} (as CronJob
   * names its Jobs): eight digits until the year 2160.
   */
  public static final int SCHEDULE_SUFFIX_DIGITS = 8;
  /** Longest {@code metadata.name} of a CronJobFlow, so that its flows' names fit {@link #MAX_FLOW_NAME}. */
  public static final int MAX_SCHEDULE_NAME = MAX_FLOW_NAME - 1 - SCHEDULE_SUFFIX_DIGITS;
  /** Longest {@code metadata.name} of a JobFlowTemplate (any object name is at most 253; templates are labels). */
  public static final int MAX_TEMPLATE_NAME = MAX_JOB_NAME;
  /** Characters the API server appends to {@code metadata.generateName}. */
  public static final int GENERATED_SUFFIX = 5;

  private NameLimits() {}

  /** True for a DNS-1123 label: 1..63 of {@code [a-z0-9-]}, starting and ending with a letter or digit. */
  public static boolean isDnsLabel(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_JOB_NAME) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (c != '-' || i == 0 || i == s.length() - 1)) {
        return false;
      }
    }
    return true;
  }
}
