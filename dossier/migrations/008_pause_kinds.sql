-- Clock pauses besides the supplement (issue 10): the kind of period the
-- procedure's law excludes (a supplement request is 'supplement'), and the
-- officer's note when the period ended. Every interval stays, for audit.
ALTER TABLE dossier_pauses ADD COLUMN kind TEXT NOT NULL DEFAULT 'supplement';
ALTER TABLE dossier_pauses ADD COLUMN end_note TEXT NOT NULL DEFAULT '';
