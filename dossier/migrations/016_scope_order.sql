-- Issue 15: an officer of a commune reads a few percent of the dossiers;
-- walking the whole inbox order (dossiers_due_code) to find theirs reads
-- about 1/share rows for each one found, and a search multiplies that by
-- how rare its words are. The inbox is therefore read per unit of the
-- officer's scope, one walk per column naming that unit (dossier.scopeArms),
-- each in the inbox's order from these indexes, so the rows read no longer
-- grow with the dossiers of other units.
CREATE INDEX dossiers_unit_due_code ON dossiers(unit_id, due_at, code);
CREATE INDEX dossiers_recv_due_code ON dossiers(receiving_unit_id, due_at, code);
CREATE INDEX dossiers_competent_due_code ON dossiers(competent_unit_id, due_at, code);
CREATE INDEX dossiers_creator_due_code ON dossiers(created_by, due_at, code);
