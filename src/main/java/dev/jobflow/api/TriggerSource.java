package dev.jobflow.api;

/** What a {@link JobFlowTrigger} receives. */
public enum TriggerSource {
  /** Alertmanager's webhook payload (version 4): each alert in it is one firing. */
  alertmanager,
  /** Any JSON document: one firing per request, read with CEL over {@code body}. */
  webhook
}
