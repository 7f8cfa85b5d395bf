-- Admin-added calendar announcements (extra days off, make-up working days).
CREATE TABLE calendar_announcements (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	replaces TEXT NOT NULL DEFAULT '',
	created_by BIGINT,
	created_at BIGINT NOT NULL
);
