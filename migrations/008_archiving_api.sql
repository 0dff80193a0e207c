-- Archiving API (实时归档接口) for business systems: what a pushed submission contains, idempotency keys,
-- and outgoing webhooks.
--
-- What a submission contains is kept twice, on purpose:
--  * submission_package: the whole IncomingPackage (src/packages/model.ts) as jsonb. It is a tree
--    (units → volumes → records → files, plus problems) that the checks (DA/T 70) and acceptance read
--    whole, in the same shape every package reader produces; spreading it over columns would copy
--    model.ts into SQL and need a migration for every model change.
--  * submission_item: one row per file, normalized, with where its bytes are (storage key) and the
--    digests the server computed: what fixity, format identification and acceptance join on.
CREATE TABLE submission_package (
  submission_id uuid PRIMARY KEY REFERENCES submission (id),
  package jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE submission_item (
  submission_id uuid NOT NULL REFERENCES submission (id),
  path text NOT NULL CHECK (length(path) BETWEEN 1 AND 255 AND path = normalize(path, NFC)),
  record_key text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sha512 text NOT NULL CHECK (sha512 ~ '^[0-9a-f]{128}$'),
  sm3 text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
  storage_key text NOT NULL,
  format text,
  upload_id uuid REFERENCES upload (id),
  PRIMARY KEY (submission_id, record_key, path)
);
CREATE INDEX submission_item_sha256_idx ON submission_item (sha256);

-- Idempotency-Key per API user: the primary key is what stops two concurrent requests with the same key
-- from creating two submissions (the second waits on the index, then replays the first's response).
CREATE TABLE archiving_request (
  user_id uuid NOT NULL REFERENCES app_user (id),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  endpoint text NOT NULL CHECK (endpoint IN ('records', 'batches')),
  body_hash text NOT NULL CHECK (body_hash ~ '^[0-9a-f]{64}$'),
  status int NOT NULL DEFAULT 201,
  response jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX archiving_request_expiry_idx ON archiving_request (expires_at);

-- Webhooks out. scope 'own': submissions made by the webhook's owner (an API user);
-- scope 'repository': every submission to the owner's repository (archive staff only).
-- The secret is kept in clear: the server needs it to sign each delivery (HMAC-SHA256).
CREATE TABLE webhook (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES app_user (id),
  repository_id uuid NOT NULL REFERENCES repository (id),
  scope text NOT NULL DEFAULT 'own' CHECK (scope IN ('own', 'repository')),
  url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  secret text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),
  events text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY['submission.received', 'submission.checked', 'submission.accepted']),
  description text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_owner_idx ON webhook (owner_id) WHERE active;
CREATE INDEX webhook_repository_idx ON webhook (repository_id) WHERE active AND scope = 'repository';

-- One row per (webhook, event) sent; the payload is fixed when the event happens, so retries resend
-- exactly the same bytes (and the same signature).
CREATE TABLE webhook_delivery (
  id uuid PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
  submission_id uuid NOT NULL REFERENCES submission (id),
  event text NOT NULL,
  body text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'skipped')),
  attempts int NOT NULL DEFAULT 0,
  last_status int,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (webhook_id, submission_id, event)
);
CREATE INDEX webhook_delivery_submission_idx ON webhook_delivery (submission_id);
