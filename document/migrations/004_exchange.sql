-- The edXML exchange between agencies (QCVN 102:2016, docs/documents.md
-- "Exchange"). Times are BIGINT Unix milliseconds (UTC).

-- The outbox: every message sent to another agency's system, written in
-- the transaction of the act that causes it (the issue of a document, the
-- arrival of one, a move of a received one). kind 'document' is an issued
-- document for the recipient organ_id (built from the document when sent);
-- kind 'status' a status message (payload: the edxml.Status as JSON) for
-- the agency that sent document_id. The worker sends a row only once the
-- earlier rows of the same document and addressee are done, so statuses
-- arrive in order.
CREATE TABLE document_outbox (
	id AUTOID,
	document_id BIGINT NOT NULL REFERENCES documents(id),
	kind TEXT NOT NULL,
	organ_id TEXT NOT NULL,
	status_code TEXT NOT NULL DEFAULT '',
	payload TEXT NOT NULL DEFAULT '',
	-- pending → sending (leased) → sent, or failed (refused by the
	-- receiver, no endpoint known, or retried too long).
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
CREATE INDEX document_outbox_due ON document_outbox(status, next_attempt_at);
CREATE INDEX document_outbox_order ON document_outbox(document_id, organ_id, id);

-- A document registered from an edXML message: who sent it (the sender's
-- OrganId, the authenticated SystemId), the sender's DocumentId (or its
-- number, symbol and date when it gave none) and what a status must name
-- (the message's ResponseFor, as JSON). The same message arriving again
-- finds its row and registers nothing.
CREATE TABLE document_exchange_in (
	document_id BIGINT PRIMARY KEY REFERENCES documents(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	sender_organ_id TEXT NOT NULL,
	remote_id TEXT NOT NULL,
	system_id TEXT NOT NULL,
	organ_name TEXT NOT NULL,
	response_for TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	UNIQUE (sender_organ_id, remote_id, unit_id)
);

-- The last status an external recipient reported for an issued document
-- (01 received … 06 completed, 02 refused), and its description.
ALTER TABLE document_recipients ADD COLUMN edxml_status TEXT NOT NULL DEFAULT '';
ALTER TABLE document_recipients ADD COLUMN edxml_status_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE document_recipients ADD COLUMN edxml_description TEXT NOT NULL DEFAULT '';
