-- Document management (quản lý văn bản, Decree 30/2020/NĐ-CP). Times are
-- BIGINT Unix milliseconds (UTC), as everywhere; calendar dates (issued,
-- due, deadline) are TEXT YYYY-MM-DD in Vietnam's calendar.

-- A unit's registers (sổ đăng ký): one incoming register, whose arrival
-- numbers run in one yearly sequence for paper and electronic documents,
-- and outgoing registers by kind (decisions and other typed documents,
-- official letters, secret documents), each numbered on its own.
CREATE TABLE document_registers (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	code TEXT NOT NULL,
	direction TEXT NOT NULL,
	name TEXT NOT NULL,
	-- issuer is the issuing organ's abbreviation in symbols ("UBND").
	issuer TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (unit_id, code)
);

-- The running number of each register in a year (Vietnam's calendar): it
-- restarts at 1 on 1 January. Incremented in the transaction that
-- registers or issues, so a rolled-back act leaves no gap.
CREATE TABLE document_sequences (
	register_id BIGINT NOT NULL REFERENCES document_registers(id),
	year BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (register_id, year)
);

-- One row per document, incoming (direction 'in') or outgoing ('out'),
-- with the Appendix VI metadata. unit_id is the organ whose register
-- holds it. version guards every change (optimistic locking).
CREATE TABLE documents (
	id AUTOID,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	direction TEXT NOT NULL,
	register_id BIGINT REFERENCES document_registers(id),
	state TEXT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1,
	-- incoming: ArrivalNumber (in the register's year) and ArrivalDate
	arrival_year BIGINT,
	arrival_number BIGINT,
	arrival_at BIGINT,
	-- medium: 'paper' (a scan) or 'electronic'
	medium TEXT NOT NULL DEFAULT 'electronic',
	sender_organ_id TEXT NOT NULL DEFAULT '',
	sender_name TEXT NOT NULL DEFAULT '',
	-- CodeNumber and CodeNotation; for an outgoing document set at issue
	code_number TEXT NOT NULL DEFAULT '',
	code_notation TEXT NOT NULL DEFAULT '',
	issue_year BIGINT,
	issue_seq BIGINT,
	issued_date TEXT NOT NULL DEFAULT '',
	type_code TEXT NOT NULL,
	subject TEXT NOT NULL,
	priority BIGINT NOT NULL DEFAULT 0,
	secrecy BIGINT NOT NULL DEFAULT 0,
	page_amount BIGINT NOT NULL DEFAULT 0,
	due_date TEXT NOT NULL DEFAULT '',
	signer_position TEXT NOT NULL DEFAULT '',
	signer_name TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	-- outgoing: the drafting unit and its field abbreviation for an
	-- official letter's symbol ("VX" in 12/UBND-VX)
	drafter_id BIGINT REFERENCES users(id),
	drafting_unit_id BIGINT REFERENCES units(id),
	field TEXT NOT NULL DEFAULT '',
	-- incoming: the signature check on arrival ('unsigned', 'valid',
	-- 'invalid', 'paper'); details is sign.Verify's JSON
	signature_status TEXT NOT NULL DEFAULT '',
	signature_details TEXT NOT NULL DEFAULT '',
	duplicate_of BIGINT REFERENCES documents(id),
	-- the current assignment (document_assignments.id), 0 before any
	assignment_id BIGINT NOT NULL DEFAULT 0,
	search TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	completed_at BIGINT,
	issued_at BIGINT
);
CREATE INDEX documents_unit ON documents(unit_id, direction, state);
CREATE INDEX documents_code ON documents(unit_id, code_number, code_notation);
-- An issued number is unique in its register's year (Art. 15).
CREATE UNIQUE INDEX documents_issue_number ON documents(register_id, issue_year, issue_seq);
CREATE UNIQUE INDEX documents_arrival_number ON documents(register_id, arrival_year, arrival_number);

-- A document's files: an incoming scan or electronic original, an
-- outgoing draft version's file, the signed and issued file, the filing
-- copy. The bytes are kept here, with the document.
CREATE TABLE document_files (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	content BLOB NOT NULL,
	by_id BIGINT REFERENCES users(id),
	at BIGINT NOT NULL
);
CREATE INDEX document_files_document ON document_files(document_id);

-- The leader's assignment of an incoming document: instruction, lead
-- unit, deadline; then the specialist the lead unit names. A new
-- assignment replaces the previous (the latest row is current); the
-- trail keeps the history.
CREATE TABLE document_assignments (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	instruction TEXT NOT NULL,
	lead_unit_id BIGINT NOT NULL REFERENCES units(id),
	deadline TEXT NOT NULL DEFAULT '',
	specialist_id BIGINT REFERENCES users(id),
	by_id BIGINT REFERENCES users(id),
	by_name TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX document_assignments_document ON document_assignments(document_id);
CREATE INDEX document_assignments_lead ON document_assignments(lead_unit_id);
CREATE INDEX document_assignments_specialist ON document_assignments(specialist_id);

-- The coordinating units of an assignment.
CREATE TABLE document_coordinators (
	assignment_id BIGINT NOT NULL REFERENCES document_assignments(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	PRIMARY KEY (assignment_id, unit_id)
);

-- The trail (TraceHeaderList): every act on a document, who, when, what,
-- from which state to which, with a note. Never updated.
CREATE TABLE document_trace (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	at BIGINT NOT NULL,
	actor_id BIGINT REFERENCES users(id),
	actor_name TEXT NOT NULL,
	role TEXT NOT NULL,
	unit_id BIGINT REFERENCES units(id),
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_trace_document ON document_trace(document_id, id);

-- An outgoing draft's versions, each with its file.
CREATE TABLE document_versions (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	n BIGINT NOT NULL,
	file_id BIGINT NOT NULL REFERENCES document_files(id),
	note TEXT NOT NULL DEFAULT '',
	by_id BIGINT REFERENCES users(id),
	at BIGINT NOT NULL,
	UNIQUE (document_id, n)
);

-- Comments on a draft (on a version, or on the whole draft: version 0).
CREATE TABLE document_comments (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	version_n BIGINT NOT NULL DEFAULT 0,
	by_id BIGINT REFERENCES users(id),
	by_name TEXT NOT NULL,
	body TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX document_comments_document ON document_comments(document_id, id);

-- The approval chain's decisions: step 'review' (the drafting unit's
-- head) and 'approve' (the organ's leader), 'approved' or 'returned'.
CREATE TABLE document_approvals (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	step TEXT NOT NULL,
	version_n BIGINT NOT NULL,
	decision TEXT NOT NULL,
	by_id BIGINT REFERENCES users(id),
	by_name TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX document_approvals_document ON document_approvals(document_id, id);

-- The distribution of an issued document: internal units (unit_id) and
-- external agencies (organ_id, the 13-character electronic agency code).
CREATE TABLE document_recipients (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	unit_id BIGINT REFERENCES units(id),
	organ_id TEXT NOT NULL DEFAULT '',
	organ_name TEXT NOT NULL,
	at BIGINT
);
CREATE INDEX document_recipients_document ON document_recipients(document_id);
