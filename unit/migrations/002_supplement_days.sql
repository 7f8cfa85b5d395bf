-- supplement_days is the unit's default time limit, in calendar days, for
-- an applicant to supplement a dossier when the procedure sets none (see
-- dossier.SupplementDeadline for the legal reasoning); an admin changes it.
ALTER TABLE units ADD COLUMN supplement_days BIGINT NOT NULL DEFAULT 30;
