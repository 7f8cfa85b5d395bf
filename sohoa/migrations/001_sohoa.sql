-- Digitisation (Circular 01/2023/TT-VPCP) and the citizens' personal data
-- store. Times are BIGINT Unix milliseconds (UTC), as everywhere.

-- The running number of each code prefix (kind and agency) in a year.
CREATE TABLE sohoa_sequences (
	prefix TEXT NOT NULL,
	year BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (prefix, year)
);

-- One row per digitised paper: a dossier component scanned at reception
-- (kind 'component') or a result's electronic copy (kind 'result'). The
-- file itself is the dossier's (dossier_files, by file_id) and its blob
-- is shared by content (sha256), so a reuse attaches the same bytes.
CREATE TABLE sohoa_papers (
	id AUTOID,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	dossier_code TEXT NOT NULL,
	procedure_code TEXT NOT NULL,
	procedure_name TEXT NOT NULL,
	component TEXT NOT NULL,
	file_id BIGINT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	holder_user_id BIGINT REFERENCES users(id),
	holder_id_number TEXT NOT NULL DEFAULT '',
	holder_name TEXT NOT NULL,
	search TEXT NOT NULL,
	by_id BIGINT REFERENCES users(id),
	by_name TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX sohoa_papers_dossier ON sohoa_papers(dossier_id);
CREATE INDEX sohoa_papers_holder ON sohoa_papers(holder_user_id);
CREATE INDEX sohoa_papers_id_number ON sohoa_papers(holder_id_number);
CREATE INDEX sohoa_papers_unit ON sohoa_papers(unit_id, at);

-- Every reuse of a paper: attached to which dossier's component, by whom
-- and when. Never updated; the paper's holder reads it.
CREATE TABLE sohoa_reuses (
	id AUTOID,
	paper_id BIGINT NOT NULL REFERENCES sohoa_papers(id),
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	dossier_code TEXT NOT NULL,
	component TEXT NOT NULL,
	file_id BIGINT NOT NULL,
	by_id BIGINT REFERENCES users(id),
	by_name TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX sohoa_reuses_paper ON sohoa_reuses(paper_id);
CREATE INDEX sohoa_reuses_dossier ON sohoa_reuses(dossier_id);

-- A paper picked from the store for a draft of the online wizard: when
-- the draft is filed, each pick still among the dossier's files becomes a
-- reuse (sohoa_reuses) and the pick is deleted. Drafts are the dossier
-- module's: no foreign key, a deleted draft leaves its picks unused.
CREATE TABLE sohoa_draft_picks (
	id AUTOID,
	draft_id BIGINT NOT NULL,
	paper_id BIGINT NOT NULL REFERENCES sohoa_papers(id),
	component TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	by_id BIGINT REFERENCES users(id),
	at BIGINT NOT NULL
);
CREATE INDEX sohoa_draft_picks_draft ON sohoa_draft_picks(draft_id);
