-- Issue 15: PostgreSQL's search reads a narrow copy of what it sorts and
-- filters by, not the dossiers' rows.
--
-- A GIN index answers which rows hold some words, and the rows themselves
-- then give the deadline to sort them by; a phrase ("hoang huu hung") is
-- also checked on each row, which recomputed to_tsvector from the search
-- text. At 10 million dossiers a full name's 44,000 hits were 14,000 pages
-- of the dossiers table read from outside PostgreSQL's buffers (EXPLAIN
-- (ANALYZE, BUFFERS): 0.6 s for the hits alone, 6 s p95 a page,
-- BENCHMARKS.md). dossier_search_rows holds, per dossier, its words as a
-- stored tsvector and the columns the inbox orders by (due_at, code) and
-- the asker's scope reads (the three unit columns and the creator), those
-- also as words of their own (scope: u12, c7) in the same GIN index, so
-- that a commune's search is answered by the index with its own dossiers
-- only: about 150 bytes a row instead of the dossier's kilobytes, so the
-- hits of a search are read from pages that stay cached, and the page's
-- order is walked from its own (due_at, code) index when the words are
-- common (dossier/search_rows.go).
--
-- The triggers keep it in the dossier's transaction, whatever writes the
-- dossier (the services, the bulk loader's COPY, a reorganisation). The
-- GIN index of the dossiers table is dropped: the words are indexed here.
-- engine: postgres
CREATE TABLE dossier_search_rows (
  id BIGINT PRIMARY KEY,
  due_at BIGINT,
  code TEXT NOT NULL,
  unit_id BIGINT,
  receiving_unit_id BIGINT,
  competent_unit_id BIGINT,
  created_by BIGINT,
  words tsvector NOT NULL,
  scope tsvector NOT NULL
);
-- engine: postgres
INSERT INTO dossier_search_rows
SELECT id, due_at, code, unit_id, receiving_unit_id, competent_unit_id, created_by, to_tsvector('simple', translate(search, '.-/', '   ')),
  array_to_tsvector(array_remove(ARRAY['u' || unit_id, 'u' || receiving_unit_id, 'u' || competent_unit_id, 'c' || created_by], NULL))
FROM dossiers;
-- engine: postgres
CREATE INDEX dossier_search_rows_words ON dossier_search_rows USING gin (words, scope);
-- engine: postgres
CREATE INDEX dossier_search_rows_due_code ON dossier_search_rows (due_at, code);
-- engine: postgres
DROP INDEX dossiers_search_words;
-- engine: postgres
CREATE FUNCTION dossier_search_rows_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' THEN DELETE FROM dossier_search_rows WHERE id = OLD.id; RETURN OLD; END IF; INSERT INTO dossier_search_rows (id, due_at, code, unit_id, receiving_unit_id, competent_unit_id, created_by, words, scope) VALUES (NEW.id, NEW.due_at, NEW.code, NEW.unit_id, NEW.receiving_unit_id, NEW.competent_unit_id, NEW.created_by, to_tsvector('simple', translate(NEW.search, '.-/', '   ')), array_to_tsvector(array_remove(ARRAY['u' || NEW.unit_id, 'u' || NEW.receiving_unit_id, 'u' || NEW.competent_unit_id, 'c' || NEW.created_by], NULL))) ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at, code = EXCLUDED.code, unit_id = EXCLUDED.unit_id, receiving_unit_id = EXCLUDED.receiving_unit_id, competent_unit_id = EXCLUDED.competent_unit_id, created_by = EXCLUDED.created_by, words = EXCLUDED.words, scope = EXCLUDED.scope; RETURN NEW; END $$;
-- engine: postgres
CREATE TRIGGER dossier_search_rows_insert AFTER INSERT ON dossiers FOR EACH ROW EXECUTE FUNCTION dossier_search_rows_sync();
-- engine: postgres
CREATE TRIGGER dossier_search_rows_update AFTER UPDATE OF search, due_at, code, unit_id, receiving_unit_id, competent_unit_id, created_by ON dossiers
FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search OR OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.code IS DISTINCT FROM NEW.code
  OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.receiving_unit_id IS DISTINCT FROM NEW.receiving_unit_id
  OR OLD.competent_unit_id IS DISTINCT FROM NEW.competent_unit_id OR OLD.created_by IS DISTINCT FROM NEW.created_by)
EXECUTE FUNCTION dossier_search_rows_sync();
-- engine: postgres
CREATE TRIGGER dossier_search_rows_delete AFTER DELETE ON dossiers FOR EACH ROW EXECUTE FUNCTION dossier_search_rows_sync();
-- engine: postgres
ANALYZE dossier_search_rows;
