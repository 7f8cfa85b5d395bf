-- Once-only data (package dancu): the consents given before the
-- population database is asked about a person, and every lookup made
-- (Law 91/2025 on personal data protection: consent first, a record of
-- each processing the data subject can read).

-- A consent: who gave it (the citizen's account, or the officer who took
-- the applicant's consent at the counter), for whose ID number, for what
-- purpose and for which draft or dossier.
CREATE TABLE dancu_consents (
	id AUTOID,
	user_id BIGINT NOT NULL,
	user_name TEXT NOT NULL,
	user_kind TEXT NOT NULL,
	id_number TEXT NOT NULL,
	purpose TEXT NOT NULL,
	draft_id BIGINT NOT NULL DEFAULT 0,
	dossier_code TEXT NOT NULL DEFAULT '',
	given_at BIGINT NOT NULL
);

-- A lookup, always under a consent recorded before it was made; outcome
-- is found, not_found or unavailable.
CREATE TABLE dancu_lookups (
	id AUTOID,
	consent_id BIGINT NOT NULL REFERENCES dancu_consents(id),
	actor_id BIGINT NOT NULL,
	actor_name TEXT NOT NULL,
	actor_kind TEXT NOT NULL,
	id_number TEXT NOT NULL,
	purpose TEXT NOT NULL,
	draft_id BIGINT NOT NULL DEFAULT 0,
	dossier_code TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX dancu_lookups_person ON dancu_lookups(id_number, at);
CREATE INDEX dancu_lookups_actor ON dancu_lookups(actor_id, at);
