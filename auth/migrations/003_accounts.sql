-- Account recovery, single-use TOTP codes and the units' TOTP policy.

-- One-time password recovery links. Only the SHA-256 of the token is kept
-- (like sessions); a row is used once (used_at) and expires.
CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- The last TOTP time step (Unix time / 30) accepted for the account: a
-- code of that step or an earlier one is refused, so each code works once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- Units whose admins and leaders must use TOTP. The row belongs to auth
-- (units are package unit's): no row means not required.
CREATE TABLE totp_policies (
	unit_id BIGINT PRIMARY KEY REFERENCES units(id),
	required BIGINT NOT NULL DEFAULT 0,
	updated_by BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);
