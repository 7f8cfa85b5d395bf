-- Portal and back office: drafts of online submissions, citizen ratings,
-- officers' optional TOTP second factor.

-- A draft keeps what a citizen typed and uploaded, so a dropped connection
-- loses nothing. Files are referenced by their SHA-256 (content-addressed).
CREATE TABLE drafts (
	id AUTOID,
	user_id BIGINT NOT NULL REFERENCES users(id),
	procedure_code TEXT NOT NULL,
	unit_code TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_user ON drafts(user_id);

-- One rating per delivered dossier (Rất hài lòng / Hài lòng / Không hài lòng).
CREATE TABLE ratings (
	dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id),
	user_id BIGINT REFERENCES users(id),
	score TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
