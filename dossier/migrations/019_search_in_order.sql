-- Issue 15: a search's first page read in the inbox's order from the
-- full-text index itself (SQLite).
--
-- The inbox is ordered by deadline. An index of words answers which
-- dossiers hold them, in the order of its row ids, and that order was the
-- dossiers' ids: a search found all its hits and read each dossier to
-- learn its deadline, or walked the deadline order testing every dossier
-- (dossier.searchWhere), and at 10 million dossiers a full name of 14,000
-- hits cost 250 ms either way (BENCHMARKS.md). Here the index's row id is
-- the dossier's place in the deadline order: its deadline in seconds
-- (none: the largest value, last) in the high bits, its id in the low 31
-- (dossier.searchKey, which repeats this expression). The index then
-- yields a word's dossiers most urgent first, and a page reads about its
-- own length of them (dossier/search_order.go).
--
-- The index keeps no copy of the text (content=''; contentless_delete lets
-- a row be removed by its row id alone), and a second column holds the
-- units a dossier belongs to and its creator (u12, c7) so that a commune's
-- search asks the index for its own dossiers only. A dossier's row id
-- therefore changes when its deadline does, and its words when its units
-- do: the triggers note the row id the index holds (old_key), once per
-- dossier and transaction, and the batch's OnCommit work
-- (dossier.searchIndexer) removes those and indexes the dossiers as they
-- are at COMMIT, in the same transaction: a committed state always has
-- the index that matches it, and FTS5 writes one segment per batch
-- (migration 017's reason), not one per savepoint.
--
-- Prefixes of up to 6 characters are indexed: the last word of a query
-- is a beginning ("nguyen van a" finds "Anh"), and a longer prefix than
-- the index holds is merged from every word it begins before the first
-- hit is returned (0.1-0.3 s for "nguyen" at 1M); Vietnamese syllables
-- are at most 7 letters.
--
-- PostgreSQL's GIN index is the engine's and does not change.
-- engine: sqlite
DROP TRIGGER dossier_search_insert;
-- engine: sqlite
DROP TRIGGER dossier_search_update;
-- engine: sqlite
DROP TRIGGER dossier_search_delete;
-- engine: sqlite
DROP TABLE dossier_search_pending;
-- engine: sqlite
DROP TABLE dossier_search;
-- engine: sqlite
CREATE VIRTUAL TABLE dossier_words USING fts5(search, scope, content='', contentless_delete=1, tokenize='unicode61', prefix='1 2 3 4 5 6');
-- engine: sqlite
CREATE TABLE dossier_words_pending (id INTEGER PRIMARY KEY, old_key INTEGER);
-- engine: sqlite
INSERT INTO dossier_words (rowid, search, scope)
SELECT (COALESCE(due_at / 1000, 4294967295) << 31) | id, search,
       concat_ws(' ', 'u' || unit_id, 'u' || receiving_unit_id, 'u' || competent_unit_id, 'c' || created_by)
FROM dossiers ORDER BY 1;
-- engine: sqlite
CREATE TRIGGER dossier_words_insert AFTER INSERT ON dossiers BEGIN
  INSERT OR IGNORE INTO dossier_words_pending (id, old_key) VALUES (new.id, NULL); END;
-- engine: sqlite
CREATE TRIGGER dossier_words_update AFTER UPDATE OF search, due_at, unit_id, receiving_unit_id, competent_unit_id, created_by ON dossiers
WHEN old.search IS NOT new.search OR old.due_at / 1000 IS NOT new.due_at / 1000
  OR old.unit_id IS NOT new.unit_id OR old.receiving_unit_id IS NOT new.receiving_unit_id
  OR old.competent_unit_id IS NOT new.competent_unit_id OR old.created_by IS NOT new.created_by
BEGIN
  INSERT OR IGNORE INTO dossier_words_pending (id, old_key) VALUES (old.id, (COALESCE(old.due_at / 1000, 4294967295) << 31) | old.id); END;
-- engine: sqlite
CREATE TRIGGER dossier_words_delete AFTER DELETE ON dossiers BEGIN
  INSERT OR IGNORE INTO dossier_words_pending (id, old_key) VALUES (old.id, (COALESCE(old.due_at / 1000, 4294967295) << 31) | old.id); END;
