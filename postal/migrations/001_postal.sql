-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

-- Delivery of results by public postal service (package postal; Decision
-- 45/2016/QĐ-TTg). Dossiers are referenced by their code, which never
-- changes once issued, so package postal needs no SQL on the dossiers table.

-- The applicant's address for post, chosen from the unit lists: province
-- and commune by agency code, the street or village as typed.
CREATE TABLE dossier_addresses (
	dossier_code TEXT PRIMARY KEY REFERENCES dossiers(code),
	province_code TEXT NOT NULL,
	commune_code TEXT NOT NULL,
	detail TEXT NOT NULL,
	updated_by BIGINT REFERENCES users(id),
	updated_at BIGINT NOT NULL
);

-- The same while the online wizard is being filled in, kept as typed; it
-- goes with its draft, and is copied to dossier_addresses on submission.
CREATE TABLE draft_addresses (
	draft_id BIGINT PRIMARY KEY REFERENCES drafts(id) ON DELETE CASCADE,
	province_code TEXT NOT NULL,
	commune_code TEXT NOT NULL,
	detail TEXT NOT NULL
);

-- One row per order placed with the post. reference is the order code we
-- send (the post treats a repeated one as the same order); item_code the
-- S10 number it answers with. claimed_at is the lease of the officer whose
-- request is placing the order; handed_over_at is when the dossier's
-- deliver action ran. A dossier has at most one shipment not cancelled.
CREATE TABLE postal_shipments (
	id AUTOID,
	dossier_code TEXT NOT NULL REFERENCES dossiers(code),
	reference TEXT NOT NULL UNIQUE,
	item_code TEXT UNIQUE,
	service TEXT NOT NULL,
	cod_amount BIGINT NOT NULL DEFAULT 0,
	receiver_name TEXT NOT NULL,
	receiver_phone TEXT NOT NULL,
	province_code TEXT NOT NULL,
	commune_code TEXT NOT NULL,
	detail TEXT NOT NULL,
	receiver_address TEXT NOT NULL,
	created_by BIGINT REFERENCES users(id),
	created_by_name TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	claimed_at BIGINT NOT NULL,
	handed_over_at BIGINT,
	cancelled_at BIGINT
);
CREATE UNIQUE INDEX postal_shipments_active ON postal_shipments(dossier_code) WHERE cancelled_at IS NULL;

-- Every tracking event the post reported, never updated. event_key is the
-- post's event id (or item, status and time when it sends none): a replay
-- is absorbed by the unique key. The current status is the latest by `at`.
CREATE TABLE postal_events (
	id AUTOID,
	shipment_id BIGINT NOT NULL REFERENCES postal_shipments(id),
	event_key TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL,
	provider_status TEXT NOT NULL,
	provider_name TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	received_at BIGINT NOT NULL
);
CREATE INDEX postal_events_shipment ON postal_events(shipment_id, at);
