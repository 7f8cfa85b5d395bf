-- The account's consents to notices by e-mail and by SMS (Law 91/2025):
-- a row is a period, given_at (0 for the default of e-mail to the
-- registered address, never chosen) until withdrawn_at (0 while it holds).
-- notify_prefs says what is on now; these rows say since when and when it
-- was withdrawn — a time, never a delete. In-app notices need no consent.
CREATE TABLE notify_consents (
	id AUTOID,
	user_id BIGINT NOT NULL REFERENCES users(id),
	channel TEXT NOT NULL,
	given_at BIGINT NOT NULL DEFAULT 0,
	withdrawn_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notify_consents_user ON notify_consents(user_id, channel, id);
