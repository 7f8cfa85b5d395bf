-- A supplement request (Mẫu 02) names what is missing and by when: one
-- row per request-supplement event, and its items in order. The deadline
-- of the open request is also on the dossier (supplement_due_at), so the
-- sweep that stops dossiers past it reads one indexed column; it is
-- cleared when the applicant supplements or the dossier closes.
CREATE TABLE dossier_supplement_requests (
	event_id BIGINT PRIMARY KEY REFERENCES dossier_events(id),
	dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
	deadline_at BIGINT NOT NULL,
	-- days is the limit the deadline was computed from, and source says
	-- whose it was: "procedure" or "unit".
	days BIGINT NOT NULL,
	source TEXT NOT NULL
);
CREATE INDEX dossier_supplement_requests_dossier ON dossier_supplement_requests(dossier_id);

-- component is the procedure component's key, or '' for a free-text item
-- not in the catalog; name and kind are copied as printed at the time.
CREATE TABLE dossier_supplement_items (
	event_id BIGINT NOT NULL REFERENCES dossier_supplement_requests(event_id),
	n BIGINT NOT NULL,
	component TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	reason TEXT NOT NULL,
	PRIMARY KEY (event_id, n)
);

ALTER TABLE dossiers ADD COLUMN supplement_due_at BIGINT;
CREATE INDEX dossiers_supplement_due ON dossiers(supplement_due_at);
