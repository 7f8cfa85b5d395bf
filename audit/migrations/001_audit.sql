-- Portable SQL: AUTOID is rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- The audit log (package audit): one append-only row per recorded change,
-- written in the change's own transaction. It has no foreign keys on
-- purpose: a record must outlive, and never constrain, the accounts, units
-- and objects it names. client_addr, prev_hash and hash are reserved for
-- the request's address and a hash chain over the rows; they stay empty
-- until that is built.
CREATE TABLE audit_entries (
	id AUTOID,
	at BIGINT NOT NULL,
	actor_id BIGINT NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	actor_role TEXT NOT NULL DEFAULT '',
	unit_id BIGINT NOT NULL DEFAULT 0,
	action TEXT NOT NULL,
	-- What was acted on, as kind:key ("dossier:000.04.07.H40-261205-0001").
	object TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	to_state TEXT NOT NULL DEFAULT '',
	details TEXT NOT NULL DEFAULT '',
	client_addr TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entries_object ON audit_entries(object, id);
CREATE INDEX audit_entries_actor ON audit_entries(actor_id, id);
CREATE INDEX audit_entries_at ON audit_entries(at);
