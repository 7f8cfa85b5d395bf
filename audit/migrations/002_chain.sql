-- The hash chain over audit_entries (package audit, chain.go): every row
-- belongs to the chain of its day (day, in Asia/Ho_Chi_Minh, of at) at
-- position seq, and carries the hash of the row before it (prev_hash, empty
-- on a day's first row) and its own (hash, SHA-256 of its canonical
-- encoding). Rows written before the chain existed are put in the pseudo
-- day 'legacy' at seq = id: they are listed but cannot be verified.
ALTER TABLE audit_entries ADD COLUMN day TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
-- A history row of another module (dossier_events, payment_events) the
-- entry anchors: its table, id and digest at the time of the change, so an
-- edited or forged history row is found by `motcua audit verify`.
ALTER TABLE audit_entries ADD COLUMN history_table TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN history_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_entries ADD COLUMN history_hash TEXT NOT NULL DEFAULT '';
UPDATE audit_entries SET day = 'legacy', seq = id;
CREATE UNIQUE INDEX audit_entries_chain ON audit_entries(day, seq);
CREATE INDEX audit_entries_history ON audit_entries(history_table, history_id);
CREATE INDEX audit_entries_unit ON audit_entries(unit_id, id);

-- One row per day's chain: its length and its last hash (the head). The
-- row is locked by the upsert that appends (Record), which serializes
-- appends to a day across transactions and instances. logged_n is how long
-- the chain was when its head was last written to the log output.
CREATE TABLE audit_heads (
	day TEXT PRIMARY KEY,
	n BIGINT NOT NULL,
	head TEXT NOT NULL,
	logged_n BIGINT NOT NULL DEFAULT 0
);
