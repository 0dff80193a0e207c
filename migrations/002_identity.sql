-- Identity: users (argon2id hashes), sessions and API tokens (only SHA-256 of the secret is stored),
-- the submitter's project scope, and failed-login counters for rate limiting.
CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'archivist', 'reviewer', 'submitter', 'viewer')),
  repository_id uuid NOT NULL REFERENCES repository (id),
  unit_uscc text,                                   -- the participating unit of a submitter
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'submitter' OR unit_uscc IS NOT NULL)
);

CREATE TABLE user_project (
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES project (id),
  PRIMARY KEY (user_id, project_id)
);

CREATE TABLE user_session (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_expires_idx ON user_session (expires_at);

CREATE TABLE api_token (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE login_failure (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL
);
