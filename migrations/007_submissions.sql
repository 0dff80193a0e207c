-- Submissions (报送) and resumable uploads (tus 1.0): an upload's acknowledged offset is checkpointed
-- here after each fsync, so a crash or restart resumes from a byte the server has really kept.
CREATE TABLE upload (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  project_id uuid NOT NULL REFERENCES project (id),
  created_by uuid NOT NULL REFERENCES app_user (id),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255 AND file_name = normalize(file_name, NFC)),
  length bigint NOT NULL CHECK (length >= 0),
  "offset" bigint NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL DEFAULT 'receiving' CHECK (state IN ('receiving', 'complete', 'terminated')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX upload_user_idx ON upload (created_by, created_at DESC);

CREATE TABLE submission (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  project_id uuid NOT NULL REFERENCES project (id),
  submitted_by uuid NOT NULL REFERENCES app_user (id),
  unit_uscc text,
  kind text NOT NULL CHECK (kind IN ('upload', 'package', 'api')),
  state text NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'checking', 'checked', 'rejected', 'accepted')),
  upload_id uuid REFERENCES upload (id),
  file_name text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sha512 text NOT NULL CHECK (sha512 ~ '^[0-9a-f]{128}$'),
  sm3 text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (upload_id)
);
CREATE INDEX submission_project_idx ON submission (project_id, created_at DESC);
