-- What an officer should know before opening an attachment: a PDF that
-- carries JavaScript, a launch action or embedded files is kept as
-- uploaded but flagged (comma-separated: javascript, launch, embedded_file).
ALTER TABLE dossier_files ADD COLUMN flags TEXT NOT NULL DEFAULT '';
