-- One row per reorganisation plan: its content as given (body), its
-- checksum (a plan id with other content is refused), its state and, once
-- carried out, the report of what moved.
CREATE TABLE reorg_plans (
    id TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    title TEXT NOT NULL,
    effective BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'applied', 'reverted', 'failed')),
    body TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    applied_at BIGINT,
    applied_by TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reorg_plans_due ON reorg_plans (state, effective);
