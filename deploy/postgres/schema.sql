-- Jobflow event journal for PostgreSQL (akka-persistence-jdbc 5.2.1, the non-legacy schema).
-- Idempotent: safe to apply on every start and on an existing journal.
-- Tables are created in the connection's current schema (set ?currentSchema=NAME in the JDBC URL for another
-- than public). Apply with `jobflow journal init --journal-url jdbc:postgresql://HOST:PORT/DB`, or psql -f.

CREATE TABLE IF NOT EXISTS event_journal (
  ordering BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,

  writer VARCHAR(255) NOT NULL,
  write_timestamp BIGINT,
  adapter_manifest VARCHAR(255),

  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload BYTEA NOT NULL,

  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,

  PRIMARY KEY(persistence_id, sequence_number)
);

CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON event_journal(ordering);

CREATE TABLE IF NOT EXISTS event_tag (
  event_id BIGINT,
  tag VARCHAR(256),
  PRIMARY KEY(event_id, tag),
  CONSTRAINT fk_event_journal
    FOREIGN KEY(event_id)
    REFERENCES event_journal(ordering)
    ON DELETE CASCADE
);

-- eventsByTag reads event_tag by tag, then by ordering: without this index it scans every tag row.
CREATE INDEX IF NOT EXISTS event_tag_tag_idx ON event_tag(tag, event_id);

CREATE TABLE IF NOT EXISTS snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,

  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload BYTEA NOT NULL,

  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,

  PRIMARY KEY(persistence_id, sequence_number)
);

-- The notifier's offset (dev.jobflow.notify.NotifyOffsets): the ordering of the last event whose notifications
-- were all delivered.
CREATE TABLE IF NOT EXISTS jobflow_notify_offset (
  name VARCHAR(64) NOT NULL,
  ordering BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY(name)
);
