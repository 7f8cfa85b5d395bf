-- Portable SQL: AUTOID is rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC); calendar dates are TEXT
-- 'YYYY-MM-DD' (a birth date or a posting's first day has no time zone).

-- An officer as a person (cán bộ, công chức): the account they sign in
-- with is auth's (user_id, at most one person per account); the rest is
-- the personnel record. unit_id, position and rank are the current ones;
-- civil_postings keeps the dated history. Codes: docs/civil-service.md.
CREATE TABLE civil_people (
	id AUTOID,
	code TEXT NOT NULL UNIQUE,
	user_id BIGINT UNIQUE REFERENCES users(id),
	full_name TEXT NOT NULL,
	birth_date TEXT NOT NULL DEFAULT '',
	gender TEXT NOT NULL DEFAULT '',
	unit_id BIGINT NOT NULL REFERENCES units(id),
	position TEXT NOT NULL,
	rank TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX civil_people_unit ON civil_people(unit_id);

-- Where and as what a person served, from from_date to to_date (empty
-- while current). A move closes the current posting and opens the next
-- one in one transaction.
CREATE TABLE civil_postings (
	id AUTOID,
	person_id BIGINT NOT NULL REFERENCES civil_people(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	position TEXT NOT NULL,
	rank TEXT NOT NULL,
	from_date TEXT NOT NULL,
	to_date TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX civil_postings_person ON civil_postings(person_id, from_date);

-- Qualifications: kind (professional, political theory, state management,
-- IT, foreign language) and level by code, the field and where and when.
CREATE TABLE civil_qualifications (
	id AUTOID,
	person_id BIGINT NOT NULL REFERENCES civil_people(id),
	kind TEXT NOT NULL,
	level TEXT NOT NULL,
	field TEXT NOT NULL DEFAULT '',
	institution TEXT NOT NULL DEFAULT '',
	year INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX civil_qualifications_person ON civil_qualifications(person_id);

-- A yearly evaluation cycle of one unit's officers, opened by a leader.
CREATE TABLE civil_cycles (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	year INTEGER NOT NULL,
	opened_by BIGINT REFERENCES users(id),
	opened_at BIGINT NOT NULL,
	UNIQUE (unit_id, year)
);

-- One officer's evaluation in a cycle; state follows civil.Steps. The
-- evidence (JSON of civil.Figures) is the one-stop figures as they stood
-- when the leader decided, kept with the decision.
CREATE TABLE civil_evaluations (
	id AUTOID,
	cycle_id BIGINT NOT NULL REFERENCES civil_cycles(id),
	person_id BIGINT NOT NULL REFERENCES civil_people(id),
	state TEXT NOT NULL,
	self_text TEXT NOT NULL DEFAULT '',
	self_level TEXT NOT NULL DEFAULT '',
	self_at BIGINT NOT NULL DEFAULT 0,
	review_text TEXT NOT NULL DEFAULT '',
	votes_excellent INTEGER NOT NULL DEFAULT 0,
	votes_good INTEGER NOT NULL DEFAULT 0,
	votes_done INTEGER NOT NULL DEFAULT 0,
	votes_not_done INTEGER NOT NULL DEFAULT 0,
	review_by BIGINT REFERENCES users(id),
	review_at BIGINT NOT NULL DEFAULT 0,
	level TEXT NOT NULL DEFAULT '',
	decision_note TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '',
	decided_by BIGINT REFERENCES users(id),
	decided_at BIGINT NOT NULL DEFAULT 0,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (cycle_id, person_id)
);
