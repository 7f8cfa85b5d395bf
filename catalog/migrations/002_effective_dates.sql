-- Each version is in force from a day (and, optionally, until one): a
-- dossier uses the version in force on its reception day. Both are the
-- Unix milliseconds of midnight (Vietnam time) starting the first day in
-- force and, for effective_to, the first day no longer in force. Versions
-- published before this had no date: they were in force when published.
ALTER TABLE procedure_versions ADD COLUMN effective_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE procedure_versions ADD COLUMN effective_to BIGINT;
UPDATE procedure_versions SET effective_from = created_at;
