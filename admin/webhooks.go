package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/webhook"
)

// The integrators' webhook subscriptions of the units an admin manages:
// add one (its signing secret shown once), see its deliveries, send an
// event again (docs/webhooks.md).

// Webhooks is the subscriptions' service (*webhook.Service).
type Webhooks interface {
	Subscriptions(ctx context.Context, a *auth.Actor) ([]webhook.Subscription, error)
	Create(ctx context.Context, a *auth.Actor, in webhook.NewSubscription) (webhook.Subscription, string, error)
	Deliveries(ctx context.Context, a *auth.Actor, sub int64, limit int) ([]webhook.Delivery, error)
	Replay(ctx context.Context, a *auth.Actor, sub, event int64) error
	Stop(ctx context.Context, a *auth.Actor, sub int64) error
}

type webhooksPage struct {
	web.Page
	Subs  []webhook.Subscription
	Types []string
	// Shown is the subscription whose deliveries are listed (?sub=).
	Shown      int64
	Deliveries []webhook.Delivery
	// Secret is the new subscription's signing secret, shown once.
	Secret string
	Form   webhook.NewSubscription
	Alert  Alert
	Notice string
}

func (o *Admin) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderWebhooks(w, r, a, http.StatusOK, webhooksPage{})
}

func (o *Admin) renderWebhooks(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, p webhooksPage) error {
	p.Page = o.adminPage(r, "admin.webhooks.title")
	p.Notice = o.notice(p.Page, r)
	p.Types = webhook.Types
	var err error
	if p.Subs, err = o.webhooks.Subscriptions(r.Context(), a); err != nil {
		return err
	}
	if s := r.URL.Query().Get("sub"); s != "" {
		if p.Shown, err = strconv.ParseInt(s, 10, 64); err != nil {
			return problem.NotFound("unknown_subscription")
		}
		if p.Deliveries, err = o.webhooks.Deliveries(r.Context(), a, p.Shown, 100); err != nil {
			return err
		}
	}
	return o.render(w, status, "webhooks", p)
}

func (o *Admin) addWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	in := webhook.NewSubscription{URL: strings.TrimSpace(r.PostFormValue("url")), Unit: strings.TrimSpace(r.PostFormValue("unit"))}
	in.Types = r.PostForm["type"] // parsed by PostFormValue
	_, secret, err := o.webhooks.Create(r.Context(), a, in)
	if err != nil {
		al, status, err := o.refused(o.adminPage(r, "admin.webhooks.title"), "add", err)
		if err != nil {
			return err
		}
		return o.renderWebhooks(w, r, a, status, webhooksPage{Form: in, Alert: al})
	}
	// The secret is shown in this answer only; it is never shown again.
	return o.renderWebhooks(w, r, a, http.StatusOK, webhooksPage{Secret: secret})
}

func (o *Admin) replayWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	// The event number is read first: a form without one is refused
	// whoever sends it; the service then checks the subscription's unit.
	ev, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("event")), "evt_"), 10, 64)
	if err != nil {
		return problem.Invalid("event", "unknown_event")
	}
	sub, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("unknown_subscription")
	}
	if err := o.webhooks.Replay(r.Context(), a, sub, ev); err != nil {
		return err
	}
	return seeOther(w, r, "/quan-tri/webhook?ok=webhook_replayed&sub="+strconv.FormatInt(sub, 10))
}

// stopWebhook ends a subscription.
func (o *Admin) stopWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	sub, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("unknown_subscription")
	}
	if err := o.webhooks.Stop(r.Context(), a, sub); err != nil {
		return err
	}
	return seeOther(w, r, "/quan-tri/webhook?ok=webhook_stopped")
}
