-- Reception regardless of administrative boundaries (phi địa giới, Decree
-- 118/2025): competent_unit_id is the commune that decides a dossier a
-- desk of another commune received (NULL: the receiving unit's own
-- chain decides); return_competent: the applicant chose to collect the
-- result at the competent unit's desk rather than the receiving one;
-- transfer_due_at: when the receiving desk must have transferred it,
-- transferred_at: when it did.
ALTER TABLE dossiers ADD COLUMN competent_unit_id BIGINT REFERENCES units(id);
ALTER TABLE dossiers ADD COLUMN return_competent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN transfer_due_at BIGINT;
ALTER TABLE dossiers ADD COLUMN transferred_at BIGINT;
