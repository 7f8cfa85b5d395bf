-- Derived from the dossiers' history and rebuilt from it at will
-- (tally.Store.Replace), so no foreign keys: a rebuild empties and refills
-- these tables in one transaction.

-- One row per dossier: what it was when it ended, and while open the
-- state the next act starts from. end_at is 4611686018427387904 (2^62)
-- while open; span_class sorts dossiers by how long they stayed open
-- (tally.classDays: up to 1, 7, 31 or 366 days, or longer or still open)
-- so "open at instant x" reads only the dossiers received shortly before x.
CREATE TABLE tally_dossiers (
	dossier_id BIGINT PRIMARY KEY,
	procedure_code TEXT NOT NULL,
	online SMALLINT NOT NULL,
	unit_id BIGINT NOT NULL,
	due_at BIGINT NOT NULL DEFAULT 0,
	stop_at BIGINT NOT NULL DEFAULT 0,
	received_at BIGINT,
	end_at BIGINT NOT NULL,
	span_class SMALLINT NOT NULL DEFAULT 4,
	outcome TEXT NOT NULL DEFAULT '',
	end_unit_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tally_dossiers_open ON tally_dossiers(span_class, received_at, end_at);
CREATE INDEX tally_dossiers_end ON tally_dossiers(end_at);

-- A received dossier's open life cut where the unit holding it, its
-- deadline or its stopped clock changed: [from_at, to_at), to_at 2^62
-- for the span still running.
CREATE TABLE tally_spans (
	dossier_id BIGINT NOT NULL,
	from_at BIGINT NOT NULL,
	to_at BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	due_at BIGINT NOT NULL,
	stop_at BIGINT NOT NULL,
	PRIMARY KEY (dossier_id, from_at)
);

-- Dossiers ended each day (Vietnam's calendar day, days since 1970-01-01)
-- by the unit that ended them, procedure, channel and outcome.
CREATE TABLE tally_days (
	day INTEGER NOT NULL,
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	online SMALLINT NOT NULL,
	outcome TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (day, unit_id, procedure_code, online, outcome)
);

-- built is 1 once the tables hold every dossier's history (after the
-- first Replace); until then reports recount from the events.
CREATE TABLE tally_state (
	name TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO tally_state (name, value) VALUES ('built', 0);
