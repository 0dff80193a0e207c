-- Catalog: repository → project → (building, unit project) → volume → record → component.
-- Every row carries repository_id (the tenant) and composite foreign keys keep a child in its parent's
-- repository, so tenant scoping in queries is a plain indexed filter that cannot drift from the hierarchy.
-- Hierarchy reads use adjacency (parent ids) plus a materialised path (`/id/id/…/`), never nested sets.

CREATE TABLE app_setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- 行政区划代码 (GB/T 2260), versioned: codes change with re-districting, old records keep old codes.
CREATE TABLE region (
  code text NOT NULL CHECK (code ~ '^[0-9]{6}([0-9]{3})?$'),
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('province', 'prefecture', 'county', 'township')),
  parent_code text,
  valid_from date NOT NULL,
  valid_to date,
  PRIMARY KEY (code, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);

CREATE TABLE repository (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9-]{1,32}$'),   -- 档案馆代号
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  level text NOT NULL CHECK (level IN ('city', 'county')),
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  parent_id uuid REFERENCES repository (id),
  path text NOT NULL,
  archival_code_rule text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'city') = (parent_id IS NULL))
);
CREATE INDEX repository_path_idx ON repository (path text_pattern_ops);

CREATE TABLE fonds (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  code text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),          -- 全宗号
  name text NOT NULL,
  UNIQUE (repository_id, code),
  UNIQUE (id, repository_id)
);

CREATE TABLE project (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repository (id),
  fonds_id uuid,
  project_code text NOT NULL CHECK (project_code ~ '^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$'), -- 项目代码
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  project_type text NOT NULL CHECK (project_type IN ('building', 'municipal')),
  builder_name text NOT NULL,
  builder_uscc text NOT NULL CHECK (builder_uscc ~ '^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$'),
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  address text NOT NULL DEFAULT '',
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, project_code),
  UNIQUE (id, repository_id),
  FOREIGN KEY (fonds_id, repository_id) REFERENCES fonds (id, repository_id)
);
CREATE INDEX project_repo_code_idx ON project (repository_id, project_code, id);

CREATE TABLE building (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL,
  project_id uuid NOT NULL,
  building_code text NOT NULL CHECK (building_code ~ '^[0-9*]{22}[0-9A-Z]$'), -- 房屋建筑统一编码
  name text NOT NULL,
  address text NOT NULL DEFAULT '',
  -- WGS-84 point; the embedded default has no PostGIS, so plain coordinates (GeoJSON on the API).
  lon double precision CHECK (lon BETWEEN -180 AND 180),
  lat double precision CHECK (lat BETWEEN -90 AND 90),
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((lon IS NULL) = (lat IS NULL)),
  UNIQUE (building_code),
  UNIQUE (id, repository_id),
  FOREIGN KEY (project_id, repository_id) REFERENCES project (id, repository_id)
);
CREATE INDEX building_project_idx ON building (project_id, building_code, id);

CREATE TABLE unit_project (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL,
  project_id uuid NOT NULL,
  building_id uuid,
  code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  name text NOT NULL,
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, code),
  UNIQUE (id, repository_id),
  FOREIGN KEY (project_id, repository_id) REFERENCES project (id, repository_id),
  FOREIGN KEY (building_id, repository_id) REFERENCES building (id, repository_id)
);
CREATE INDEX unit_project_project_idx ON unit_project (project_id, code, id);

CREATE TABLE volume (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL,
  project_id uuid NOT NULL,
  unit_project_id uuid NOT NULL,
  archival_code text NOT NULL CHECK (length(archival_code) BETWEEN 1 AND 100), -- 档号
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  category text NOT NULL CHECK (category IN ('A', 'B', 'C', 'D', 'E')),        -- GB/T 50328 class
  subclass text CHECK (subclass ~ '^[A-E][0-9]{1,2}$'),
  year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
  retention text NOT NULL CHECK (retention IN ('permanent', 'long', 'short')), -- 永久/长期/短期
  classification text NOT NULL DEFAULT 'none' CHECK (classification IN ('none', 'internal', 'confidential', 'secret')),
  access text NOT NULL DEFAULT 'restricted' CHECK (access IN ('open', 'restricted')),
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, archival_code),
  UNIQUE (id, repository_id),
  FOREIGN KEY (project_id, repository_id) REFERENCES project (id, repository_id),
  FOREIGN KEY (unit_project_id, repository_id) REFERENCES unit_project (id, repository_id)
);
CREATE INDEX volume_unit_idx ON volume (unit_project_id, archival_code, id);
CREATE INDEX volume_path_idx ON volume (path text_pattern_ops);

CREATE TABLE record (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL,
  volume_id uuid NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),                                 -- 序号
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),          -- 文件题名
  author text NOT NULL DEFAULT '',                                      -- 责任者
  doc_date date,                                                        -- 日期
  doc_number text NOT NULL DEFAULT '',                                  -- 文件编号
  pages integer NOT NULL DEFAULT 0 CHECK (pages >= 0),                  -- 页数
  category text NOT NULL CHECK (category IN ('A', 'B', 'C', 'D', 'E')),
  subclass text CHECK (subclass ~ '^[A-E][0-9]{1,2}$'),
  origin text NOT NULL DEFAULT 'born-digital' CHECK (origin IN ('born-digital', 'digitised')),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (volume_id, seq),
  UNIQUE (id, repository_id),
  FOREIGN KEY (volume_id, repository_id) REFERENCES volume (id, repository_id)
);

CREATE TABLE component (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL,
  record_id uuid NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  -- the name as given, NFC-normalised, never transliterated
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255 AND file_name = normalize(file_name, NFC)),
  size bigint NOT NULL CHECK (size >= 0),
  format text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sha512 text NOT NULL CHECK (sha512 ~ '^[0-9a-f]{128}$'),
  sm3 text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (record_id, seq),
  FOREIGN KEY (record_id, repository_id) REFERENCES record (id, repository_id)
);

-- The metadata scheme is data (DA/T 70 1-2…1-8 check "against DA/T 46 or a user-defined scheme").
CREATE TABLE metadata_scheme (
  id uuid PRIMARY KEY,
  repository_id uuid REFERENCES repository (id),      -- NULL = the shipped baseline
  name text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (repository_id, name, version)
);

CREATE TABLE metadata_element (
  scheme_id uuid NOT NULL REFERENCES metadata_scheme (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  level text NOT NULL,              -- DA/T 46 entity or description level (项目级/单体级/案卷级/文件级/电子文件级/封装包)
  code text NOT NULL,               -- element code, e.g. aggregationLevel, projectCode
  number text NOT NULL DEFAULT '',  -- DA/T 46 M-number where it has one
  name_zh text NOT NULL,
  parent text NOT NULL DEFAULT '',
  data_type text NOT NULL,
  length integer CHECK (length > 0),
  value_domain text NOT NULL DEFAULT '',
  obligation text NOT NULL CHECK (obligation IN ('required', 'conditional', 'optional')),
  repeatable boolean NOT NULL,
  definition text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  confidence text NOT NULL DEFAULT '',
  PRIMARY KEY (scheme_id, level, code)
);
