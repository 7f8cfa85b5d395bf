-- Identities verified by the national SSO (VNeID) and the citizen account
-- each one signs in. The key is the provider's own (issuer, subject); the
-- verified ID number, name and date of birth are kept as the provider last
-- asserted them, to fill the applicant and to tell "filed on behalf".
CREATE TABLE citizen_identities (
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users(id),
	id_number TEXT NOT NULL,
	full_name TEXT NOT NULL,
	birth_date TEXT NOT NULL DEFAULT '',
	linked_at BIGINT NOT NULL,
	last_login_at BIGINT NOT NULL,
	PRIMARY KEY (issuer, subject)
);
CREATE INDEX citizen_identities_user ON citizen_identities(user_id);
