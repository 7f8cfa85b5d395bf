-- The applicant's date of birth (YYYY-MM-DD), filled from the identity
-- VNeID verified or from the population database; '' when not given.
ALTER TABLE dossiers ADD COLUMN applicant_birth_date TEXT NOT NULL DEFAULT '';
