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
