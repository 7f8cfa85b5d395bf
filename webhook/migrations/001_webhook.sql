-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- Webhooks and the events feed (package webhook; docs/webhooks.md).

-- An integrator's subscription: a URL, the event types it wants, and the
-- unit whose events (its own and its units' below) it receives. owner_kind
-- is 'user' (an admin who manages the unit) until system accounts exist;
-- a system client will own them as 'client'. secret is the signing key
-- ("whsec_" + base64), shown to the owner when the subscription is made.
CREATE TABLE webhook_subscriptions (
	id AUTOID,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	-- Event types, space-separated ("dossier.received payment.paid").
	types TEXT NOT NULL,
	unit_id BIGINT NOT NULL,
	owner_kind TEXT NOT NULL,
	owner_id BIGINT NOT NULL,
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL
);

-- The event ids come from this one row, updated in the act's transaction:
-- its lock is held until commit, so ids become visible in increasing
-- order and a feed reader asking "after n" never skips one committed
-- later with a lower id (an identity column would allow that).
CREATE TABLE webhook_sequence (
	name TEXT PRIMARY KEY,
	last_id BIGINT NOT NULL
);
INSERT INTO webhook_sequence (name, last_id) VALUES ('events', 0);

-- One row per event, written in the act's transaction: the feed and the
-- deliveries' content. unit_id is the unit holding the dossier after the
-- act, receiving_unit_id the unit that received it; a subscription or a
-- feed reader sees the event when either is in its scope.
CREATE TABLE webhook_events (
	id BIGINT PRIMARY KEY,
	type TEXT NOT NULL,
	dossier_code TEXT NOT NULL,
	unit_id BIGINT NOT NULL,
	receiving_unit_id BIGINT NOT NULL,
	at BIGINT NOT NULL,
	payload TEXT NOT NULL
);
CREATE INDEX webhook_events_dossier ON webhook_events(dossier_code, id);

-- The outbox: one delivery per event and matching subscription. The
-- worker sends a delivery only once every earlier delivery of the same
-- subscription and dossier was sent, so the receiver sees a dossier's
-- events in order.
CREATE TABLE webhook_deliveries (
	id AUTOID,
	subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions(id),
	event_id BIGINT NOT NULL REFERENCES webhook_events(id),
	dossier_code TEXT NOT NULL,
	-- pending → sending (leased) → sent, or failed once retried for a day
	-- (a replay puts it back to pending).
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(subscription_id, dossier_code, event_id);
