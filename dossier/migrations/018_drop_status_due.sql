-- Issue 15: dossiers_due (status, due_at) is the first two columns of
-- dossiers_status_due_code (status, due_at, code, migration 013), which
-- serves every query it served. Each index is one more B-tree written by
-- every submission and every act that changes a dossier's state or
-- deadline, on SQLite while holding the one writer: a redundant one costs
-- each of them and answers nothing the other does not.
DROP INDEX IF EXISTS dossiers_due;
