-- System accounts: OAuth2 clients of integrating systems (docs/api-clients.md).
-- Each client acts as a users row of kind 'system' (so every act it makes
-- has an actor, like a person's) that holds no role: its rights are the
-- rows of oauth_client_rights, read by auth.Actor.Can like roles are.

CREATE TABLE oauth_clients (
	id AUTOID,
	client_id TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	-- operations the client may call, space-separated ("dossiers:read events:read")
	scopes TEXT NOT NULL,
	rate_per_minute BIGINT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	revoked_at BIGINT
);

-- A right held at a unit (and, with below = 1, at the units under it).
CREATE TABLE oauth_client_rights (
	client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	right_name TEXT NOT NULL,
	below BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (client_id, unit_id, right_name)
);

-- Only the SHA-256 of a secret is kept. expires_at NULL: the current
-- secret; a rotated-out secret keeps working until its expires_at.
CREATE TABLE oauth_client_secrets (
	secret_hash TEXT PRIMARY KEY,
	client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT
);
CREATE INDEX oauth_client_secrets_client ON oauth_client_secrets(client_id);

-- Access tokens issued to clients: short-lived, separate from people's sessions.
CREATE TABLE oauth_tokens (
	token_hash TEXT PRIMARY KEY,
	client_id BIGINT NOT NULL REFERENCES oauth_clients(id),
	-- the operations this token may call (a subset of the client's)
	scopes TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX oauth_tokens_client ON oauth_tokens(client_id);
