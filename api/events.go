package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/webhook"
)

// Events is the events feed (*webhook.Service).
type Events interface {
	Feed(ctx context.Context, a *auth.Actor, after string, limit int) (*webhook.Page, error)
}

// listEvents serves the events of the caller's units after a cursor, for
// systems that poll rather than receive webhooks (docs/webhooks.md).
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return problem.Invalid("limit", "invalid_limit", "limit")
		}
	}
	// cursor is the listing convention's name (docs/api.md, Listings);
	// after, the feed's first, keeps working.
	after := r.URL.Query().Get("after")
	if after == "" {
		after = r.URL.Query().Get("cursor")
	}
	p, err := s.Events.Feed(r.Context(), a, after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
