-- One rating per delivered dossier (Rất hài lòng / Hài lòng / Không hài lòng).
CREATE TABLE ratings (
	dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id),
	user_id BIGINT REFERENCES users(id),
	score TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
