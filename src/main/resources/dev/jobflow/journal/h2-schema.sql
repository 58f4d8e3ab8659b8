-- Jobflow event journal for the embedded H2 file database (akka-persistence-jdbc 5.2.1, non-legacy schema).
-- Idempotent: applied on every start when jobflow.journal.create-schema is on.

CREATE TABLE IF NOT EXISTS "event_journal" (
  "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
  "deleted" BOOLEAN DEFAULT false NOT NULL,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  -- BINARY VARYING, not akka-persistence-jdbc's BLOB: H2 copied every BLOB of a replay into the query's sorted
  -- temporary result, 78 % of a 100,000-instance flow's recovery (docs/engine.md). Journals created with BLOB keep it.
  "event_payload" BINARY VARYING NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "meta_payload" BLOB,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  PRIMARY KEY("persistence_id", "sequence_number")
);

CREATE UNIQUE INDEX IF NOT EXISTS "event_journal_ordering_idx" ON "event_journal" ("ordering");

CREATE TABLE IF NOT EXISTS "event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY("event_id", "tag"),
  CONSTRAINT "fk_event_journal"
    FOREIGN KEY("event_id")
    REFERENCES "event_journal"("ordering")
    ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS "event_tag_tag_idx" ON "event_tag" ("tag", "event_id");

CREATE TABLE IF NOT EXISTS "snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BLOB NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BLOB,
  PRIMARY KEY("persistence_id", "sequence_number")
);

-- The notifier's offset (dev.jobflow.notify.NotifyOffsets): the ordering of the last event whose notifications
-- were all delivered.
CREATE TABLE IF NOT EXISTS "jobflow_notify_offset" (
  "name" VARCHAR(64) NOT NULL,
  "ordering" BIGINT NOT NULL,
  "updated_at" BIGINT NOT NULL,
  PRIMARY KEY("name")
);
