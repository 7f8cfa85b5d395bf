-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

CREATE TABLE dossiers (
	id AUTOID,
	code TEXT NOT NULL UNIQUE,
	procedure_code TEXT NOT NULL,
	procedure_version BIGINT NOT NULL,
	receiving_unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	channel TEXT NOT NULL,
	status TEXT NOT NULL,
	step BIGINT NOT NULL DEFAULT 0,
	assignee_id BIGINT REFERENCES users(id),
	owner_id BIGINT REFERENCES users(id),
	created_by BIGINT REFERENCES users(id),
	on_behalf BIGINT NOT NULL DEFAULT 0,
	applicant_name TEXT NOT NULL,
	applicant_id_number TEXT NOT NULL DEFAULT '',
	applicant_phone TEXT NOT NULL DEFAULT '',
	applicant_email TEXT NOT NULL DEFAULT '',
	applicant_address TEXT NOT NULL DEFAULT '',
	search TEXT NOT NULL,
	form TEXT NOT NULL,
	delivery TEXT NOT NULL,
	submitted_at BIGINT NOT NULL,
	received_at BIGINT,
	due_at BIGINT,
	step_started_at BIGINT,
	paused_at BIGINT,
	result_at BIGINT,
	delivered_at BIGINT,
	closed_at BIGINT,
	apologized BIGINT NOT NULL DEFAULT 0,
	supplements BIGINT NOT NULL DEFAULT 0,
	version BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL
);
CREATE INDEX dossiers_unit_status ON dossiers(unit_id, status);
CREATE INDEX dossiers_recv_status ON dossiers(receiving_unit_id, status);
CREATE INDEX dossiers_owner ON dossiers(owner_id);
CREATE INDEX dossiers_due ON dossiers(status, due_at);

-- Immutable history: one row per transition, never updated.
CREATE TABLE dossier_events (
	id AUTOID,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	at BIGINT NOT NULL,
	actor_id BIGINT REFERENCES users(id),
	actor_name TEXT NOT NULL,
	actor_role TEXT NOT NULL,
	action TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	from_step BIGINT NOT NULL,
	to_step BIGINT NOT NULL,
	from_unit_id BIGINT,
	to_unit_id BIGINT,
	due_at BIGINT,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);

-- Every clock pause (supplement requested during processing), for audit.
CREATE TABLE dossier_pauses (
	id AUTOID,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	started_at BIGINT NOT NULL,
	ended_at BIGINT,
	reason TEXT NOT NULL
);
CREATE INDEX dossier_pauses_dossier ON dossier_pauses(dossier_id);

-- Attachments are stored content-addressed on disk; rows say who/what/where.
CREATE TABLE dossier_files (
	id AUTOID,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	component TEXT NOT NULL,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES users(id),
	uploaded_at BIGINT NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files(dossier_id);

-- Daily sequence per agency code for dossier codes.
CREATE TABLE dossier_sequences (
	prefix TEXT NOT NULL,
	day TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (prefix, day)
);

-- Idempotent submission: a retried POST with the same key returns the same dossier.
CREATE TABLE idempotency_keys (
	user_id BIGINT NOT NULL,
	key TEXT NOT NULL,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, key)
);
