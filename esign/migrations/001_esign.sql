-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- Electronic results signed in the application (package esign): the
-- result document with the leader's remote (CSC) signature and the
-- organisation's seal. A row is written 'signed' once both signatures
-- are made, before the leader's approval is committed, and becomes
-- 'issued' in the approval's own transaction (a dossier.Transitioned
-- listener), so an issued e-result exists exactly when the approval
-- does. A 'signed' row whose approval failed (a colleague acted first)
-- is never shown and is replaced by the next attempt.
CREATE TABLE esign_results (
	id AUTOID,
	dossier_code TEXT NOT NULL REFERENCES dossiers(code),
	-- The dossier version the approval must find (optimistic concurrency).
	dossier_version BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('signed', 'issued')),
	file_name TEXT NOT NULL,
	pdf BLOB NOT NULL,
	sha256 TEXT NOT NULL,
	leader_id BIGINT REFERENCES users(id),
	leader_subject TEXT NOT NULL,
	seal_subject TEXT NOT NULL,
	-- What motcua's verifier says of the signatures when issued
	-- ("PAdES B-LT", "PAdES B-B"…), the weaker of the two.
	level TEXT NOT NULL,
	signed_at BIGINT NOT NULL,
	issued_at BIGINT
);
CREATE UNIQUE INDEX esign_results_issued ON esign_results(dossier_code) WHERE status = 'issued';
CREATE INDEX esign_results_dossier ON esign_results(dossier_code, dossier_version);
