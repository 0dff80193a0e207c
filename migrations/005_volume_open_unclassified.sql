-- An open (开放) volume is public by definition and so cannot carry a 密级: enforced in the database too.
ALTER TABLE volume ADD CONSTRAINT volume_open_is_unclassified CHECK (access = 'restricted' OR classification = 'none');
