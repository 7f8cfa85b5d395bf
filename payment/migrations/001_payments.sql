-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

-- Fees and online payment (package payment). A payment is one fee demand
-- for a dossier and, once started, one order at the gateway: its ref is
-- the gateway's transaction reference (vnp_TxnRef), so a retry after a
-- failed or expired attempt is a new row. State changes follow the table
-- in payment/states.go; each is one transaction with one payment_events row.
CREATE TABLE payments (
	id AUTOID,
	ref TEXT NOT NULL UNIQUE,
	dossier_code TEXT NOT NULL REFERENCES dossiers(code),
	-- The collecting unit (the dossier's receiving one-stop desk) as it was
	-- named when the fee was asked: the receipt shows the issuer of the day.
	unit_code TEXT NOT NULL,
	unit_name TEXT NOT NULL,
	state TEXT NOT NULL,
	gateway TEXT NOT NULL DEFAULT '',
	amount BIGINT NOT NULL,
	-- The fee lines (JSON array of payment.FeeLine), fixed at the request.
	lines TEXT NOT NULL,
	payer_name TEXT NOT NULL,
	payment_url TEXT NOT NULL DEFAULT '',
	requested_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	expires_at BIGINT,
	paid_at BIGINT,
	gateway_txn TEXT NOT NULL DEFAULT '',
	bank_code TEXT NOT NULL DEFAULT '',
	receipt_series TEXT NOT NULL DEFAULT '',
	receipt_no BIGINT,
	version BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL
);
CREATE INDEX payments_dossier ON payments(dossier_code, id);
CREATE INDEX payments_expiry ON payments(state, expires_at);
CREATE INDEX payments_paid ON payments(paid_at);

-- Immutable history: one row per state change, never updated.
CREATE TABLE payment_events (
	id AUTOID,
	payment_id BIGINT NOT NULL REFERENCES payments(id),
	at BIGINT NOT NULL,
	actor_id BIGINT REFERENCES users(id),
	actor_name TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payment_events_payment ON payment_events(payment_id, id);

-- Every callback the gateway (or anyone) sent to the IPN address, with
-- what motcua answered: duplicates and forgeries change no payment, and
-- are kept here for whoever investigates a dispute.
CREATE TABLE payment_callbacks (
	id AUTOID,
	at BIGINT NOT NULL,
	gateway TEXT NOT NULL,
	ref TEXT NOT NULL,
	outcome TEXT NOT NULL,
	remote TEXT NOT NULL,
	raw TEXT NOT NULL
);
CREATE INDEX payment_callbacks_ref ON payment_callbacks(ref);

-- Counters: payment references per day, receipt numbers per unit and year.
CREATE TABLE payment_sequences (
	series TEXT NOT NULL,
	period TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (series, period)
);
