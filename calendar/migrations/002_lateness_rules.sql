-- The province's rule for when a deadline ends: 0 at its minute (the
-- working-hours arithmetic, the default), 1 at the end of its last working
-- day (Civil Code 2015 arts. 147–148). One row per province unit.
CREATE TABLE calendar_lateness_rules (
	province_id BIGINT PRIMARY KEY,
	due_end_of_day INTEGER NOT NULL,
	changed_by BIGINT,
	changed_at BIGINT NOT NULL
);
