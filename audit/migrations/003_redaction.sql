-- An entry whose personal data the retention job removed (audit.Redact)
-- names the entry that did it, which is itself in the chain and lists it;
-- the column is outside the hash on purpose: the redacting entry, not the
-- column, is what verification trusts.
ALTER TABLE audit_entries ADD COLUMN redacted_by BIGINT NOT NULL DEFAULT 0;
