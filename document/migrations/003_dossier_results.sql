-- A one-stop result the unit issued is also an outgoing document
-- (document.Service.OnTransitioned): it is linked to the dossier by its
-- code and to the result by the dossier file's id — a reference, the file
-- stays with the dossier (package dossier owns it). One document per
-- dossier result: a result sent back and approved again is not issued twice.
ALTER TABLE documents ADD COLUMN dossier_code TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN result_file_id BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX documents_dossier_result ON documents(dossier_code, result_file_id) WHERE dossier_code <> '';
