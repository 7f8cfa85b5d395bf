-- Officers' optional TOTP second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
