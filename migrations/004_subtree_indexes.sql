-- Subtree reads by materialised path (e.g. every record of a project) use prefix matches on `path`.
CREATE INDEX project_path_idx ON project (path text_pattern_ops);
CREATE INDEX unit_project_path_idx ON unit_project (path text_pattern_ops);
CREATE INDEX record_path_idx ON record (path text_pattern_ops);
