-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC) so the two engines compare and
-- scan them identically.

CREATE TABLE users (
	id AUTOID,
	username TEXT NOT NULL UNIQUE,
	full_name TEXT NOT NULL,
	kind TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	disabled BIGINT NOT NULL DEFAULT 0,
	failed_logins BIGINT NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);

CREATE TABLE user_roles (
	user_id BIGINT NOT NULL REFERENCES users(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	role TEXT NOT NULL,
	PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX user_roles_unit ON user_roles(unit_id, role);

-- Bearer tokens and browser sessions; only the SHA-256 of the token is kept.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);
