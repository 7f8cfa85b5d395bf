-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

-- Notifications (package notify): a transactional outbox and each
-- account's choice of channels and language.

-- One row per message per channel. A row is written in the same
-- transaction as the change it reports, so it exists exactly when the
-- change does; the worker sends it later. In-app rows ("inapp") are the
-- notices themselves: they are written already sent, and read_at records
-- when their recipient saw them.
CREATE TABLE notify_outbox (
	id AUTOID,
	kind TEXT NOT NULL,
	channel TEXT NOT NULL,
	user_id BIGINT REFERENCES users(id),
	recipient TEXT NOT NULL,
	lang TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	link TEXT NOT NULL DEFAULT '',
	dossier_id BIGINT REFERENCES dossiers(id),
	-- Makes writing a notification idempotent: the same event written
	-- twice (a retried job, two instances running reminders) is one row.
	dedupe_key TEXT NOT NULL UNIQUE,
	-- pending → sending (leased by a worker) → sent, or failed after the last attempt.
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	read_at BIGINT
);
CREATE INDEX notify_outbox_due ON notify_outbox(status, next_attempt_at);
CREATE INDEX notify_outbox_user ON notify_outbox(user_id, channel, id);
CREATE INDEX notify_outbox_dossier ON notify_outbox(dossier_id);

-- What an account chose; no row means the defaults (e-mail on, SMS off,
-- Vietnamese). In-app notices are always on.
CREATE TABLE notify_prefs (
	user_id BIGINT PRIMARY KEY REFERENCES users(id),
	email BIGINT NOT NULL DEFAULT 1,
	sms BIGINT NOT NULL DEFAULT 0,
	lang TEXT NOT NULL DEFAULT 'vi',
	updated_at BIGINT NOT NULL
);
