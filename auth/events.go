package auth

import (
	"context"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// publish hands a security event to the bus in tx (the audit log records
// it), filling the time from the service's clock when unset.
func (s *Service) publish(ctx context.Context, tx *store.Tx, e event.Security) error {
	if e.At.IsZero() {
		e.At = s.cfg.Now()
	}
	return event.Publish(ctx, s.cfg.Bus, tx, e)
}
