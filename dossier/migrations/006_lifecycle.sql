-- result_refused: the dossier's result is a refusal during processing (the
-- request is not granted), delivered like any result. apology_late: its
-- apology (Mẫu 04) was made after the due moment, so the dossier was late.
ALTER TABLE dossiers ADD COLUMN result_refused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN apology_late BIGINT NOT NULL DEFAULT 0;
