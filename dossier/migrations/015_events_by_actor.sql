-- An officer's acts in a period: report.Reader.OfficerFigures (the
-- evidence of the yearly evaluation, package civil) finds the dossiers an
-- officer acted on by actor and time, which without this index read every
-- event of every dossier. dossier_id is in the index so that the lookup
-- needs no row of the table (the plan is checked by
-- TestOfficerFiguresUseTheActorIndex in package report). The same
-- statement on both engines.
CREATE INDEX dossier_events_actor ON dossier_events(actor_id, at, dossier_id);
