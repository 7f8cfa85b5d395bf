-- When the retention job anonymised the dossier's personal data (its
-- procedure's retention ended after it closed); NULL while it holds them.
-- The job claims a dossier by setting it, so several instances anonymise
-- each dossier once.
ALTER TABLE dossiers ADD COLUMN anonymised_at BIGINT;
CREATE INDEX dossiers_closed ON dossiers(procedure_code, closed_at);
