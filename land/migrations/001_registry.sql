-- Portable SQL: AUTOID is rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC). Areas are BIGINT dm²
-- (0.01 m², the precision of a cadastral record); coordinates are the
-- VN-2000 plane's metres, the bounding box kept in centimetres so both
-- engines compare integers.

-- A land parcel (thửa đất): map sheet and parcel number within a commune
-- (the commune's unit code). Only one active parcel holds a number; a
-- retired parcel (split, merged) keeps its number in the history.
-- land_use is the land law's type codes joined by '+' (ONT+CLN).
-- dispute and mortgage are '' when there is none, else what is pending
-- (the court or the creditor) — procedures that forbid them refuse.
CREATE TABLE land_parcels (
	id AUTOID,
	commune TEXT NOT NULL,
	sheet TEXT NOT NULL,
	number TEXT NOT NULL,
	area_dm2 BIGINT NOT NULL,
	land_use TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	geometry TEXT NOT NULL DEFAULT '',
	min_x BIGINT NOT NULL DEFAULT 0,
	min_y BIGINT NOT NULL DEFAULT 0,
	max_x BIGINT NOT NULL DEFAULT 0,
	max_y BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	dispute TEXT NOT NULL DEFAULT '',
	mortgage TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	retired_at BIGINT,
	-- The dossier that made or retired the parcel ('' for an import).
	created_by_dossier TEXT NOT NULL DEFAULT '',
	retired_by_dossier TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX land_parcels_active_number ON land_parcels(commune, sheet, number) WHERE status = 'active';
CREATE INDEX land_parcels_commune ON land_parcels(commune, status);

-- Parent and child of a split or merge, with the dossier that made it.
CREATE TABLE land_parcel_links (
	parent_id BIGINT NOT NULL REFERENCES land_parcels(id),
	child_id BIGINT NOT NULL REFERENCES land_parcels(id),
	dossier_code TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX land_parcel_links_child ON land_parcel_links(child_id);

-- The land users (người sử dụng đất) of a parcel, each by personal ID
-- number; a user whose right ended keeps the row with until_at set.
CREATE TABLE land_holders (
	id AUTOID,
	parcel_id BIGINT NOT NULL REFERENCES land_parcels(id),
	id_number TEXT NOT NULL,
	name TEXT NOT NULL,
	since_at BIGINT NOT NULL,
	until_at BIGINT,
	dossier_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX land_holders_parcel ON land_holders(parcel_id);
CREATE INDEX land_holders_person ON land_holders(id_number);

-- A certificate (Giấy chứng nhận): its serial (số phát hành) and entry
-- number in the issue book (số vào sổ cấp GCN). A cancelled certificate
-- keeps its row.
CREATE TABLE land_certificates (
	id AUTOID,
	parcel_id BIGINT NOT NULL REFERENCES land_parcels(id),
	serial TEXT NOT NULL UNIQUE,
	book_number TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	status TEXT NOT NULL,
	dossier_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX land_certificates_parcel ON land_certificates(parcel_id);

-- The history of a parcel: what changed, when, by which dossier, with a
-- JSON detail (areas, users, codes).
CREATE TABLE land_changes (
	id AUTOID,
	parcel_id BIGINT NOT NULL REFERENCES land_parcels(id),
	kind TEXT NOT NULL,
	dossier_code TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '{}',
	actor_name TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX land_changes_parcel ON land_changes(parcel_id, id);
CREATE INDEX land_changes_dossier ON land_changes(dossier_code);

-- The measured split of a split dossier (trích đo), entered by the
-- specialist before the result is made; applied in the result's
-- transaction. body is the JSON SplitPlan.
CREATE TABLE land_plans (
	dossier_code TEXT PRIMARY KEY,
	parcel_id BIGINT NOT NULL REFERENCES land_parcels(id),
	body TEXT NOT NULL,
	entered_by TEXT NOT NULL,
	entered_at BIGINT NOT NULL
);

-- Serials of the certificates the registry issues, per year.
CREATE TABLE land_sequences (
	year BIGINT PRIMARY KEY,
	next BIGINT NOT NULL
);

-- Each registry change told to the national land information system,
-- written in the change's transaction, sent by the outbox worker, a
-- parcel's changes in order. dedupe_key travels with the call so a
-- repeat is dropped by the receiver.
CREATE TABLE land_outbox (
	id AUTOID,
	change_id BIGINT NOT NULL REFERENCES land_changes(id),
	parcel_id BIGINT NOT NULL REFERENCES land_parcels(id),
	payload TEXT NOT NULL,
	dedupe_key TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
CREATE INDEX land_outbox_due ON land_outbox(status, next_attempt_at);
CREATE INDEX land_outbox_parcel ON land_outbox(parcel_id, id);
