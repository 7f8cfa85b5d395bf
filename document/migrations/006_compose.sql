-- A draft version written as text (document.Compose, docs/documents.md
-- "Composed drafts"): compose is the text as JSON, so the next version
-- starts from it; spot is where document/layout left the blank for the
-- leader's signature (layout.Spot as JSON), where the approval signs and
-- the seal goes at issue. Both '' for an uploaded PDF.
ALTER TABLE document_versions ADD COLUMN compose TEXT NOT NULL DEFAULT '';
ALTER TABLE document_versions ADD COLUMN spot TEXT NOT NULL DEFAULT '';
