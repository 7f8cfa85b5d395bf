-- A consent withdrawn by the person it concerns (Law 91/2025, Art. on
-- withdrawing consent): the time, never a delete, so the record of what
-- was allowed when stays. 0: not withdrawn.
ALTER TABLE dancu_consents ADD COLUMN withdrawn_at BIGINT NOT NULL DEFAULT 0;
