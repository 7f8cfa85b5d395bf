-- The TraceHeaderList a document arrived with (QCVN 102:2016: the agencies
-- the message passed through, each with its time), as JSON, so the copy's
-- own edXML message (GET …/edxml) carries it as it came; '[]' for the
-- copies received before.
ALTER TABLE document_exchange_in ADD COLUMN trace_headers TEXT NOT NULL DEFAULT '[]';
