-- Coordination with agencies outside the unit tree (cơ quan phối hợp):
-- a step of a dossier may ask the tax office, the commune police, a branch
-- of the Land Registration Office… for an answer, with its own deadline.
--
-- partner_agencies is the province's registry of those agencies. It lives
-- here rather than in package unit because the agencies are not units:
-- they receive no dossiers, hold no roles and are never merged; the only
-- thing that points at them is a coordination request. code is the
-- electronic agency code of Decision 20/2020/QĐ-TTg when known.
CREATE TABLE partner_agencies (
	id AUTOID,
	province_id BIGINT NOT NULL REFERENCES units(id),
	name TEXT NOT NULL,
	code TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	active BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX partner_agencies_name ON partner_agencies(province_id, name);

-- One request to a partner agency and, once it comes back, its answer.
-- files: the ids of the dossier_files sent with it, comma-separated.
-- answered_at is when the agency answered (its letter's time), recorded_at
-- when the officer recorded it; the request is judged on answered_at.
CREATE TABLE dossier_consultations (
	id AUTOID,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	agency_id BIGINT NOT NULL REFERENCES partner_agencies(id),
	step BIGINT NOT NULL,
	question TEXT NOT NULL,
	files TEXT NOT NULL DEFAULT '',
	sent_at BIGINT NOT NULL,
	sent_by BIGINT REFERENCES users(id),
	sent_by_name TEXT NOT NULL,
	due_at BIGINT NOT NULL,
	answer TEXT,
	answer_file_id BIGINT REFERENCES dossier_files(id),
	answered_by TEXT NOT NULL DEFAULT '',
	answered_at BIGINT,
	recorded_by BIGINT REFERENCES users(id),
	recorded_by_name TEXT NOT NULL DEFAULT '',
	recorded_at BIGINT
);
CREATE INDEX dossier_consultations_dossier ON dossier_consultations(dossier_id);
CREATE INDEX dossier_consultations_open ON dossier_consultations(answered_at, due_at);
