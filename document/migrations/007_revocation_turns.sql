-- Whose turn it is in a revocation (docs/documents.md "Revocation").
-- document_recipients.edxml_asked_at: when this organ sent the outside
-- recipient a 13 it has not answered yet (0: no request open); its 15 or
-- 16 is taken only while one is, so an answer nobody asked for, or a
-- second answer to one request, cannot count toward revoked.
-- document_exchange_in.revocation_at: the sender's Timestamp of the last
-- 13 recorded on the copy, so the same 13 again (a retry after a lost
-- answer) does not ask again once the copy refused.
ALTER TABLE document_recipients ADD COLUMN edxml_asked_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE document_exchange_in ADD COLUMN revocation_at BIGINT NOT NULL DEFAULT 0;
