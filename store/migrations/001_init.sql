-- motcua's first schema. Portable SQL: AUTOID and BLOB are rewritten per
-- engine (store/dialect.go). Times are BIGINT Unix milliseconds (UTC) so the
-- two engines compare and scan them identically.

-- Administrative units: a tree of any depth (province → district → commune,
-- or province → commune since 07/2025). A merged unit keeps its row with
-- merged_into set; its codes keep resolving through unit_codes.
CREATE TABLE units (
	id AUTOID,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL,
	parent_id BIGINT REFERENCES units(id),
	merged_into BIGINT REFERENCES units(id),
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

-- Every code and name a unit has had, with validity, so old dossier codes resolve.
CREATE TABLE unit_history (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	valid_from BIGINT NOT NULL,
	valid_to BIGINT,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX unit_history_code ON unit_history(code);

CREATE TABLE departments (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	UNIQUE (unit_id, code)
);

CREATE TABLE users (
	id AUTOID,
	username TEXT NOT NULL UNIQUE,
	full_name TEXT NOT NULL,
	kind TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	disabled BIGINT NOT NULL DEFAULT 0,
	failed_logins BIGINT NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);

CREATE TABLE user_roles (
	user_id BIGINT NOT NULL REFERENCES users(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	role TEXT NOT NULL,
	PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX user_roles_unit ON user_roles(unit_id, role);

-- Bearer tokens and browser sessions; only the SHA-256 of the token is kept.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Procedure catalog: every version is kept; procedures points at the current one.
CREATE TABLE procedure_versions (
	code TEXT NOT NULL,
	version BIGINT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	created_by BIGINT,
	PRIMARY KEY (code, version)
);

CREATE TABLE procedures (
	code TEXT PRIMARY KEY,
	version BIGINT NOT NULL,
	name TEXT NOT NULL,
	field TEXT NOT NULL,
	field_code TEXT NOT NULL,
	levels TEXT NOT NULL,
	online TEXT NOT NULL,
	search TEXT NOT NULL
);

-- Admin-added calendar announcements (extra days off, make-up working days).
CREATE TABLE calendar_announcements (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	replaces TEXT NOT NULL DEFAULT '',
	created_by BIGINT,
	created_at BIGINT NOT NULL
);

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
