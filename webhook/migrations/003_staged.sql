-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- On PostgreSQL an act's transaction writes its event here, without its
-- public id; once it has committed, the numbering step (webhook/number.go,
-- one at a time under an advisory lock) gives the committed events their
-- ids from webhook_sequence in this table's order, moves them to
-- webhook_events with their deliveries and deletes them here. So no act
-- holds the sequence row through its COMMIT (docs/webhooks.md, "Event
-- ids"). SQLite, one writer, numbers in the act's transaction and leaves
-- this table empty.
CREATE TABLE webhook_staged (
	id AUTOID,
	type TEXT NOT NULL,
	dossier_code TEXT NOT NULL,
	unit_id BIGINT NOT NULL,
	receiving_unit_id BIGINT NOT NULL,
	at BIGINT NOT NULL,
	-- The event as delivered, its "id" empty until numbered.
	payload TEXT NOT NULL,
	-- The matching subscriptions' ids, space-separated, read in the act's
	-- transaction; created_at the deliveries' queueing time.
	subscriptions TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
