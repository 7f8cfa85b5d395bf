package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/webhook"
)

// Webhooks is the subscriptions' owner side (*webhook.Service): a system
// account (scope webhooks:manage) or an admin manages the subscriptions
// it made; another's answer 404 (docs/webhooks.md, "Through the API").
type Webhooks interface {
	CreateOwned(ctx context.Context, a *auth.Actor, in webhook.Owned) (webhook.Subscription, string, error)
	OwnedPage(ctx context.Context, a *auth.Actor, limit int, after string) ([]webhook.Subscription, string, error)
	Own(ctx context.Context, a *auth.Actor, id int64) (webhook.Subscription, error)
	StopOwned(ctx context.Context, a *auth.Actor, id int64) error
	RotateSecret(ctx context.Context, a *auth.Actor, id int64) (string, time.Time, error)
	ReplayFrom(ctx context.Context, a *auth.Actor, id, from int64) (int, int64, error)
}

var errNoSubscription = problem.NotFound("unknown_subscription")

// subscriptionID reads {id}; anything but a positive number names none.
func subscriptionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNoSubscription
	}
	return id, nil
}

// createWebhook subscribes a URL; the answer carries the signing secret,
// shown this once.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in webhook.Owned
	if err := decode(r, &in); err != nil {
		return err
	}
	sub, secret, err := s.Webhooks.CreateOwned(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", "/api/v1/webhooks/"+strconv.FormatInt(sub.ID, 10))
	return writeJSON(w, http.StatusCreated, struct {
		webhook.Subscription
		Secret string `json:"secret"`
	}{sub, secret})
}

// listWebhooks lists the caller's own subscriptions (listing convention).
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(r.URL.Query())
	if err != nil {
		return err
	}
	subs, next, err := s.Webhooks.OwnedPage(r.Context(), a, limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("webhooks", subs, next))
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := subscriptionID(r)
	if err != nil {
		return err
	}
	sub, err := s.Webhooks.Own(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sub)
}

// deleteWebhook stops a subscription (kept, inactive, for the record).
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := subscriptionID(r)
	if err != nil {
		return err
	}
	if err := s.Webhooks.StopOwned(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rotateWebhookSecret answers the new secret, shown this once, and until
// when the old one still signs beside it.
func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := subscriptionID(r)
	if err != nil {
		return err
	}
	secret, until, err := s.Webhooks.RotateSecret(r.Context(), a, id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, map[string]any{"secret": secret, "old_secret_until": until})
}

// replayWebhook queues again the events from {"from": "evt_N"} on.
func (s *Server) replayWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := subscriptionID(r)
	if err != nil {
		return err
	}
	var in struct {
		From string `json:"from"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	from, err := strconv.ParseInt(strings.TrimPrefix(in.From, "evt_"), 10, 64)
	if err != nil || from <= 0 {
		return problem.Invalid("from", "invalid_event_id")
	}
	n, next, err := s.Webhooks.ReplayFrom(r.Context(), a, id, from)
	if err != nil {
		return err
	}
	out := map[string]any{"queued": n}
	if next > 0 {
		out["next"] = webhook.EventID(next)
	}
	return writeJSON(w, http.StatusAccepted, out)
}
