-- The SHA-256 of the request an idempotency key was first used with: a
-- retry must send the same request; the same key with a different body is
-- refused instead of answered with the first dossier. '' for keys stored
-- before this column (their request is unknown, so any retry matches).
ALTER TABLE idempotency_keys ADD COLUMN request_sha256 TEXT NOT NULL DEFAULT '';
