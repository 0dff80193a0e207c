-- Preservation: storage locations, one archival package (OCFL object) per volume, its replicas,
-- and fixity audits with resumable checkpoints and their findings.
CREATE TABLE storage_location (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,31}$'),
  role text NOT NULL CHECK (role IN ('primary', 'same-city', 'off-site', 'offline')),
  kind text NOT NULL CHECK (kind IN ('fs', 's3')),
  describe text NOT NULL,
  city text NOT NULL DEFAULT '',
  seismic_zone text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE archival_package (
  volume_id uuid PRIMARY KEY REFERENCES volume (id),
  repository_id uuid NOT NULL REFERENCES repository (id),
  ocfl_id text NOT NULL UNIQUE,
  head_version integer NOT NULL CHECK (head_version > 0),
  bytes bigint NOT NULL DEFAULT 0,
  files integer NOT NULL DEFAULT 0,
  -- preserved only when every copy the policy requires has been written and re-verified
  state text NOT NULL CHECK (state IN ('pending', 'preserved', 'degraded')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX archival_package_ocfl_idx ON archival_package (ocfl_id);

CREATE TABLE replica (
  volume_id uuid NOT NULL REFERENCES archival_package (volume_id),
  location text NOT NULL REFERENCES storage_location (name),
  version integer NOT NULL,
  state text NOT NULL CHECK (state IN ('verified', 'failed', 'missing', 'corrupted')),
  detail text NOT NULL DEFAULT '',
  verified_at timestamptz,
  PRIMARY KEY (volume_id, location)
);

CREATE TABLE audit_run (
  id uuid PRIMARY KEY,
  location text NOT NULL REFERENCES storage_location (name),
  mode text NOT NULL CHECK (mode IN ('full', 'sample')),
  sample_percent numeric(5, 2),
  status text NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
  checkpoint text NOT NULL DEFAULT '',          -- last ocfl_id fully audited: a restart resumes after it
  objects_checked integer NOT NULL DEFAULT 0,
  bytes_checked bigint NOT NULL DEFAULT 0,
  findings integer NOT NULL DEFAULT 0,
  unrepaired integer NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  requested_by text NOT NULL
);
CREATE INDEX audit_run_location_idx ON audit_run (location, started_at DESC);

CREATE TABLE audit_finding (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES audit_run (id),
  location text NOT NULL,
  volume_id uuid,
  path text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('missing', 'corrupted', 'unexpected', 'invalid')),
  detail text NOT NULL DEFAULT '',
  repaired boolean NOT NULL DEFAULT false,
  repaired_from text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_finding_run_idx ON audit_finding (run_id, at);
