-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

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
