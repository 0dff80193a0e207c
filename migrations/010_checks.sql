-- 四性检测 (DA/T 70-2018): check schemes per repository (versioned), check runs over a submission (GD/YJ)
-- or a volume in custody (BC), the facts measured per file (so a crashed run resumes without re-reading
-- what it already measured), and the manual items as tasks for a named person.
CREATE TABLE check_scheme (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  version integer NOT NULL CHECK (version >= 1),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  body jsonb NOT NULL,
  created_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, version)
);

CREATE TABLE check_run (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  submission_id uuid REFERENCES submission (id),
  volume_id uuid REFERENCES volume (id),
  stage text NOT NULL CHECK (stage IN ('GD', 'YJ', 'BC')),
  -- NULL = the shipped default scheme (version 1)
  scheme_id uuid REFERENCES check_scheme (id),
  scheme_version integer NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  verdict text CHECK (verdict IN ('passed', 'failed', 'incomplete')),
  report jsonb,
  environment jsonb,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  requested_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  CHECK ((submission_id IS NULL) <> (volume_id IS NULL)),
  CHECK ((state = 'done') = (report IS NOT NULL AND verdict IS NOT NULL))
);
CREATE INDEX check_run_submission_idx ON check_run (submission_id, id DESC) WHERE submission_id IS NOT NULL;
CREATE INDEX check_run_volume_idx ON check_run (volume_id, id DESC) WHERE volume_id IS NOT NULL;

CREATE TABLE check_file (
  run_id uuid NOT NULL REFERENCES check_run (id) ON DELETE CASCADE,
  path text NOT NULL,
  facts jsonb NOT NULL,
  PRIMARY KEY (run_id, path)
);

CREATE TABLE check_task (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES check_run (id),
  code text NOT NULL CHECK (code ~ '^(GD|YJ|BC)-[1-4]-[0-9]{1,2}$'),
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  assignee uuid REFERENCES app_user (id),
  outcome text CHECK (outcome IN ('pass', 'fail')),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
  evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  done_by uuid REFERENCES app_user (id),
  done_at timestamptz,
  UNIQUE (run_id, code),
  CHECK ((state = 'done') = (outcome IS NOT NULL AND done_by IS NOT NULL AND done_at IS NOT NULL))
);
CREATE INDEX check_task_open_idx ON check_task (assignee, state) WHERE state = 'open';
