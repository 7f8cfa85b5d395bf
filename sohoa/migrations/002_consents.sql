-- The citizen's consent to the desk reusing the papers of their data
-- store (Law 91/2025). Reuse is on by default (the once-only principle:
-- the desk does not ask again for a paper the state holds); a row is a
-- period: given_at (0 when the default was withdrawn) until withdrawn_at
-- (0 while it holds). The account's latest row decides; a withdrawal is
-- a time, never a delete. id_number is the one VNeID verified for the
-- account then, so papers held under that number follow the choice too.
CREATE TABLE sohoa_consents (
	id AUTOID,
	user_id BIGINT NOT NULL REFERENCES users(id),
	id_number TEXT NOT NULL DEFAULT '',
	given_at BIGINT NOT NULL DEFAULT 0,
	withdrawn_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sohoa_consents_user ON sohoa_consents(user_id, id);
CREATE INDEX sohoa_consents_id_number ON sohoa_consents(id_number, id);
