package auth

import (
	"context"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// The security events auth publishes about accounts (Object "user:<username>"
// unless said otherwise; ActorID/ActorName the admin, the account itself
// for its own acts, 0/"" for the command line; UnitID where one applies):
//
//	account_created              an admin created an officer account (UnitID: its first unit)
//	role_granted, role_revoked   Details "role=<role>", UnitID the role's unit
//	password_changed             the account changed its own password
//	password_reset               Details "admin" (an admin or the command line) or "recovery" (a link)
//	password_recovery_requested  a recovery link was issued (no actor: anyone may ask)
//	account_disabled, account_enabled
//	totp_enabled, totp_disabled  by the account itself; totp_disabled with Details
//	                             "admin" when an admin or the command line cleared it
//	totp_policy_changed          Object "unit:<code>", Details "required=true|false"

// publish hands a security event to the bus in tx (the audit log records
// it), filling the time from the service's clock when unset.
func (s *Service) publish(ctx context.Context, tx *store.Tx, e event.Security) error {
	if e.At.IsZero() {
		e.At = s.cfg.Now()
	}
	return event.Publish(ctx, s.cfg.Bus, tx, e)
}
