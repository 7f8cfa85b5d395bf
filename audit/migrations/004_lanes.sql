-- A day's chain becomes up to 16 chains, its lanes (package audit,
-- chain.go): on PostgreSQL a transaction appends to the lane of its
-- connection, so concurrent transactions lock different heads instead of
-- committing one after another behind the day's one head row (issue 15).
-- The entries written before are lane 0, which keeps their encoding, so
-- they verify as they did; SQLite writes only lane 0.
ALTER TABLE audit_entries ADD COLUMN lane BIGINT NOT NULL DEFAULT 0;
DROP INDEX audit_entries_chain;
CREATE UNIQUE INDEX audit_entries_chain ON audit_entries(day, lane, seq);

-- One row per chain: (day, lane). SQLite cannot change a primary key in
-- place, so the table is rebuilt on both engines, its rows as lane 0.
CREATE TABLE audit_heads_lanes (
	day TEXT NOT NULL,
	lane BIGINT NOT NULL,
	n BIGINT NOT NULL,
	head TEXT NOT NULL,
	logged_n BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (day, lane)
);
INSERT INTO audit_heads_lanes (day, lane, n, head, logged_n) SELECT day, 0, n, head, logged_n FROM audit_heads;
DROP TABLE audit_heads;
ALTER TABLE audit_heads_lanes RENAME TO audit_heads;
