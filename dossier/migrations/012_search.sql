-- Issue 15: the officer inbox and its search at millions of dossiers.
--
-- Search reads each engine's own full-text index over the folded search
-- column (code, applicant name, ID number, phone: vntext.Fold), never a
-- LIKE '%…%' scan. A query term matches the beginning of a word there
-- (words are runs of letters and digits, so a code's parts are words):
-- dossier.searchWords builds the same query for both engines.
--
-- SQLite: an FTS5 index with the dossiers table as its content, kept in
-- step by triggers in the writing transaction (Submit, the bulk loader,
-- anything else that ever writes the column). Prefix indexes of 1 to 3
-- characters keep a short last term ("nguyen van a") from merging every
-- word that begins with it.
-- engine: sqlite
CREATE VIRTUAL TABLE dossier_search USING fts5(search, content='dossiers', content_rowid='id', tokenize='unicode61', prefix='1 2 3');
-- engine: sqlite
INSERT INTO dossier_search(dossier_search) VALUES ('rebuild');
-- engine: sqlite
CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossiers BEGIN INSERT INTO dossier_search(rowid, search) VALUES (new.id, new.search); END;
-- engine: sqlite
CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossiers BEGIN INSERT INTO dossier_search(dossier_search, rowid, search) VALUES ('delete', old.id, old.search); END;
-- engine: sqlite
CREATE TRIGGER dossier_search_update AFTER UPDATE OF search ON dossiers BEGIN INSERT INTO dossier_search(dossier_search, rowid, search) VALUES ('delete', old.id, old.search); INSERT INTO dossier_search(rowid, search) VALUES (new.id, new.search); END;

-- PostgreSQL: a GIN index of the words, which the engine keeps itself.
-- The separators kept by Fold (. - /) become spaces first so the parser
-- sees a code as its parts, as FTS5's tokenizer does; the query must
-- repeat this expression exactly (dossier.searchWords).
-- engine: postgres
CREATE INDEX dossiers_search_words ON dossiers USING gin (to_tsvector('simple', translate(search, '.-/', '   ')));

-- The inbox's order, most urgent first (deadline, then the unique code),
-- read from an index rather than sorted: one for any filter, one for a
-- state, the inbox's main filter. (status, due_at), which other queries
-- read, stays: this migration only adds.
CREATE INDEX dossiers_due_code ON dossiers(due_at, code);
CREATE INDEX dossiers_status_due_code ON dossiers(status, due_at, code);
