-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- National public service portal sync (package dvcqg).

-- One row per call to the portal (DongBoHoSoMC, CapNhatTienDoHoSoMC),
-- written in the transaction of the act it reports. seq numbers a
-- dossier's calls: the worker sends a row only once every lower seq of its
-- dossier was sent, so the portal sees the steps in order. dedupe_key
-- ("<MaHoSo>/<seq>") travels with the call (IdDongBo) so a repeat after a
-- crash is dropped by the receiver.
CREATE TABLE dvcqg_outbox (
	id AUTOID,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	seq BIGINT NOT NULL,
	service TEXT NOT NULL,
	payload TEXT NOT NULL,
	dedupe_key TEXT NOT NULL UNIQUE,
	-- pending → sending (leased) → sent, or failed after the last attempt
	-- (an operator's reconcile puts it back to pending).
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	UNIQUE (dossier_id, seq)
);
CREATE INDEX dvcqg_outbox_due ON dvcqg_outbox(status, next_attempt_at);
CREATE INDEX dvcqg_outbox_created ON dvcqg_outbox(created_at);

-- Per dossier: whether the portal holds everything motcua sent it
-- (Decision 766 counts a dossier as synchronised only then), the last
-- status code pushed and the last error.
CREATE TABLE dvcqg_sync (
	dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id),
	ma_ho_so TEXT NOT NULL UNIQUE,
	-- The receiving unit and the unit holding the dossier at the last step:
	-- the officer page shows a unit's dossiers out of sync.
	receiving_unit_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	-- The highest seq written to the outbox so far.
	last_seq BIGINT NOT NULL DEFAULT 0,
	-- SHA-256 of the record last pushed (DongBoHoSoMC), status aside: a
	-- new one is pushed when it changes (due date, result, unit).
	record_hash TEXT NOT NULL DEFAULT '',
	last_status BIGINT NOT NULL DEFAULT 0,
	synced BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	received_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	synced_at BIGINT
);
CREATE INDEX dvcqg_sync_unsynced ON dvcqg_sync(synced, receiving_unit_id);

-- Dossiers pulled from the portal (filed there for one of the province's
-- units): written in the submission's transaction, so a portal dossier
-- becomes exactly one motcua dossier however often it is pulled.
CREATE TABLE dvcqg_pulled (
	ma_ho_so TEXT PRIMARY KEY,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	pulled_at BIGINT NOT NULL
);
