-- Work files (hồ sơ công việc, Decree 30 Appendix VI Part II, file level):
-- an organ's files, each gathering the documents of one piece of work.
-- file_code is OrganId + FileCatalog (the year) + FileNotation, unique.
-- A closed file is due for the organ's archive within one year after the
-- work ends (Art. 30): archive_due is that date, YYYY-MM-DD in Vietnam.
CREATE TABLE document_work_files (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	file_catalog BIGINT NOT NULL,
	file_notation TEXT NOT NULL,
	file_code TEXT NOT NULL,
	title TEXT NOT NULL,
	maintenance TEXT NOT NULL,
	rights TEXT NOT NULL DEFAULT '',
	creator TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT '',
	start_date TEXT NOT NULL,
	end_date TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	-- state: 'open' or 'closed'
	state TEXT NOT NULL,
	archive_due TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 1,
	keeper_id BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	closed_at BIGINT,
	UNIQUE (file_code)
);
CREATE INDEX document_work_files_unit ON document_work_files(unit_id, state);
CREATE INDEX document_work_files_due ON document_work_files(state, archive_due);

-- The documents of a file, in order (DocOrdinal, 1…n without gaps: a
-- removal closes the gap). A document is in at most one file.
CREATE TABLE document_work_file_items (
	file_id BIGINT NOT NULL REFERENCES document_work_files(id),
	document_id BIGINT NOT NULL REFERENCES documents(id),
	ordinal BIGINT NOT NULL,
	added_by BIGINT REFERENCES users(id),
	added_at BIGINT NOT NULL,
	PRIMARY KEY (file_id, document_id),
	UNIQUE (document_id)
);
