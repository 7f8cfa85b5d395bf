-- Units in time (issue 11). A unit now has a kind beside its level, a
-- statistical code (Decision 19/2025/QĐ-TTg: 2 digits for a province, 5
-- for a commune) beside its agency code, and a validity: valid_from is the
-- first instant it is in force (0: since before motcua knew it), valid_to
-- the first instant it no longer is (NULL while in force).
ALTER TABLE units ADD COLUMN kind TEXT NOT NULL DEFAULT 'committee';
ALTER TABLE units ADD COLUMN stat_code TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN valid_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN valid_to BIGINT;

-- Each unit_history row is now the whole of a unit for one period — code,
-- name, parent, level, kind and statistical code — so "the tree on date D"
-- is the rows whose period holds D. Rows written before this migration
-- take the unit's present parent and level, and a unit's first row counts
-- from the unit's own valid_from.
ALTER TABLE unit_history ADD COLUMN parent_id BIGINT;
ALTER TABLE unit_history ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE unit_history ADD COLUMN kind TEXT NOT NULL DEFAULT 'committee';
ALTER TABLE unit_history ADD COLUMN stat_code TEXT NOT NULL DEFAULT '';
UPDATE unit_history SET parent_id = (SELECT u.parent_id FROM units u WHERE u.id = unit_history.unit_id),
	level = (SELECT u.level FROM units u WHERE u.id = unit_history.unit_id);
UPDATE unit_history SET valid_from = 0 WHERE reason = 'created';
CREATE INDEX unit_history_period ON unit_history(valid_from, valid_to);

-- The service area of a unit that serves communes it is not the parent of:
-- a branch of the land registration office serves the communes of its
-- area. Dated like the units.
CREATE TABLE unit_areas (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	area_id BIGINT NOT NULL REFERENCES units(id),
	valid_from BIGINT NOT NULL,
	valid_to BIGINT
);
CREATE INDEX unit_areas_area ON unit_areas(area_id);

-- Where a level's work goes once the level is gone: from valid_from on, a
-- step that names from_level (for one procedure, or for every procedure
-- when procedure is '') is done by a unit of to_level and, when set,
-- to_kind. A reorganisation plan writes these rows (plan is its id).
CREATE TABLE unit_competence (
	id AUTOID,
	plan TEXT NOT NULL,
	valid_from BIGINT NOT NULL,
	procedure TEXT NOT NULL DEFAULT '',
	from_level TEXT NOT NULL,
	to_level TEXT NOT NULL,
	to_kind TEXT NOT NULL DEFAULT ''
);
