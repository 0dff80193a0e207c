-- The tamper-evident event chain: hash = SM3(prev ‖ canonical JSON of the event).
-- Append-only by trigger as a first line of defence; `dangan audit verify` is the real proof,
-- because whoever can disable a trigger can also edit a row.
CREATE TABLE event (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$'),
  subject text NOT NULL,
  repository_id uuid,
  data jsonb NOT NULL,
  prev text NOT NULL CHECK (prev ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX event_subject_idx ON event (subject, seq);

CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'event chain is append-only (% refused)', TG_OP USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER event_no_update BEFORE UPDATE OR DELETE ON event FOR EACH ROW EXECUTE FUNCTION event_append_only();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event FOR EACH STATEMENT EXECUTE FUNCTION event_append_only();
