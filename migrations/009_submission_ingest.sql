-- Packages carry long paths (Windows clerks nest folders deeply): an item path may be up to 1,024 characters.
ALTER TABLE submission_item DROP CONSTRAINT submission_item_path_check;
ALTER TABLE submission_item ADD CONSTRAINT submission_item_path_check CHECK (length(path) BETWEEN 1 AND 1024 AND path = normalize(path, NFC));
-- What unpacking a submitted package found: the recorded defects that reject it (一次性告知: all at once).
ALTER TABLE submission ADD COLUMN problems jsonb NOT NULL DEFAULT '[]'::jsonb;
