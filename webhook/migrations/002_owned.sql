-- Portable SQL: AUTOID and BLOB are rewritten per engine (store/dialect.go).
-- Times are BIGINT Unix milliseconds (UTC).

-- Subscriptions made through the API (docs/webhooks.md, "Through the API").

-- A rotated secret keeps signing beside the new one until old_secret_until
-- (24 h), so the receiver can switch keys without losing a delivery.
ALTER TABLE webhook_subscriptions ADD COLUMN old_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_subscriptions ADD COLUMN old_secret_until BIGINT NOT NULL DEFAULT 0;

-- Every unit a subscription covers (its events and its units' below).
-- webhook_subscriptions.unit_id is the first of them; a subscription made
-- on the admin page has that one only and no row here.
CREATE TABLE webhook_subscription_units (
	subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions(id),
	unit_id BIGINT NOT NULL,
	PRIMARY KEY (subscription_id, unit_id)
);
CREATE INDEX webhook_subscription_units_unit ON webhook_subscription_units(unit_id);
