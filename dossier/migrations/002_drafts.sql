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
