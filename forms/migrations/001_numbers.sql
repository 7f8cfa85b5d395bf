-- Numbers of the one-stop forms (package forms). Decree 30/2020 Art. 15:
-- documents are numbered from 01 on 1 January in one series per issuer and
-- year, and the system numbers electronic documents. A number is taken the
-- first time a form is issued for its subject (a dossier, or one apology
-- of a dossier) and kept: printing the form again shows the same number.
CREATE TABLE form_numbers (
	unit_id BIGINT NOT NULL REFERENCES units(id),
	series TEXT NOT NULL,
	year BIGINT NOT NULL,
	number BIGINT NOT NULL,
	subject TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	PRIMARY KEY (unit_id, series, year, number),
	UNIQUE (unit_id, series, subject)
);

-- The last number of each series and year; its row is the lock that makes
-- concurrent issues take 1, 2, 3… without gaps or repeats.
CREATE TABLE form_counters (
	unit_id BIGINT NOT NULL REFERENCES units(id),
	series TEXT NOT NULL,
	year BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (unit_id, series, year)
);
