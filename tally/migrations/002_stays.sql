-- Each stay at a processing step, by the act that ended it: where, which
-- step of which procedure version, how many working milliseconds it took
-- (the calendar in force when it ended), and whether the dossier's
-- deadline passed during it. The leaders' bottleneck list reads a
-- period's stays from the covering index alone.
CREATE TABLE tally_stays (
	dossier_id BIGINT NOT NULL,
	end_at BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	procedure_version INTEGER NOT NULL,
	step INTEGER NOT NULL,
	work_ms BIGINT NOT NULL,
	late SMALLINT NOT NULL
);
CREATE INDEX tally_stays_end ON tally_stays(end_at, unit_id, procedure_code, procedure_version, step, work_ms, late);

-- When the dossier's last act was (the start of the stay the next one ends).
ALTER TABLE tally_dossiers ADD COLUMN last_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tally_dossiers ADD COLUMN procedure_version INTEGER NOT NULL DEFAULT 0;

-- tally_days summed over procedures: what a report by unit (II.06a's
-- default view, the dashboards) reads, a few rows per unit and day however
-- many dossiers a province has.
CREATE TABLE tally_unit_days (
	day INTEGER NOT NULL,
	unit_id BIGINT NOT NULL,
	online SMALLINT NOT NULL,
	outcome TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (day, unit_id, online, outcome)
);

-- A tally built before these were kept has none: build it again.
UPDATE tally_state SET value = 0 WHERE name = 'built';
