package payment

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Fees is what a dossier owes and has paid, as the asking actor sees it.
type Fees struct {
	// Payments are the dossier's payments, newest first.
	Payments []*Payment `json:"payments"`
	// Owed is the fee the applicant still has to pay, if any: the latest
	// payment when it is requested, pending, failed or expired.
	Owed *Payment `json:"owed,omitempty"`
	// Quote is the fee the procedure alone fixes (no per-page or per-copy
	// fee), which the applicant may pay before anyone asks; set only while
	// nothing was asked or paid yet and the dossier is open.
	Quote      []FeeLine `json:"quote,omitempty"`
	QuoteTotal int64     `json:"quote_total,omitempty"`
	// CanPay: the asking applicant may go to the gateway now.
	CanPay bool `json:"can_pay"`
	// CanRequest: the asking officer may ask for (or amend) a fee now.
	CanRequest bool `json:"can_request"`
	// Online: a gateway is configured.
	Online bool `json:"online"`

	Dossier   *dossier.Dossier  `json:"-"`
	Procedure catalog.Procedure `json:"-"`
}

// Fees returns the fees of dossier code, if a may see it. Orders past
// their expiry are marked expired first.
func (s *Service) Fees(ctx context.Context, a *auth.Actor, code string) (*Fees, error) {
	d, p, err := s.dossierFor(ctx, a, code)
	if err != nil {
		return nil, err
	}
	ps, err := s.current(ctx, d.Code)
	if err != nil {
		return nil, err
	}
	f := &Fees{Dossier: d, Procedure: p, Online: s.Online(), Payments: []*Payment{}}
	for _, x := range slices.Backward(ps) {
		f.Payments = append(f.Payments, x)
	}
	if last := lastOf(ps); last != nil && last.State.Open() {
		f.Owed = last
	}
	if len(ps) == 0 && !d.Status.Final() {
		if pages, copies := CountsMatter(p); !pages && !copies {
			if lines, total := ComputeFee(p, 1, 1, ""); total > 0 {
				f.Quote, f.QuoteTotal = lines, total
			}
		}
	}
	f.CanPay = a.IsCitizen() && f.Online && (f.Owed != nil || f.Quote != nil)
	f.CanRequest = !a.IsCitizen() && MayRequest(a, d) && !d.Status.Final() && (f.Owed == nil || f.Owed.State != Pending)
	return f, nil
}

// Owed returns, for each of the dossiers with codes that owes a fee, the
// payment it owes. The caller has already checked the dossiers are the
// actor's to see (it lists them).
func (s *Service) Owed(ctx context.Context, codes []string) (map[string]*Payment, error) {
	ps, err := s.current(ctx, codes...)
	if err != nil {
		return nil, err
	}
	out := map[string]*Payment{}
	for _, p := range ps { // oldest first: the last one per dossier wins
		if p.State.Open() {
			out[p.Dossier] = p
		} else {
			delete(out, p.Dossier)
		}
	}
	return out, nil
}

// current loads the dossiers' payments, oldest first, expiring stale orders.
func (s *Service) current(ctx context.Context, codes ...string) ([]*Payment, error) {
	ps, err := s.ofDossiers(ctx, s.db, codes...)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if s.stale(p) {
			if err := s.expire(ctx, p); err != nil {
				return nil, err
			}
		}
	}
	return ps, nil
}

// StartInput says where the gateway sends the payer back, and from where
// the payer came.
type StartInput struct {
	ReturnURL string
	IPAddr    string
	Locale    string // "vn" or "en"
}

// Start sends the applicant of dossier code to the gateway: the fee asked
// for, a retry of a failed or expired order (a new order with the same
// lines), or the fee the procedure fixes. An order still payable is handed
// out again rather than duplicated; created says whether an order was made.
func (s *Service) Start(ctx context.Context, a *auth.Actor, code string, in StartInput) (p *Payment, created bool, err error) {
	// Scope before configuration: a dossier a may not see is not found,
	// whether or not a gateway is connected.
	f, err := s.Fees(ctx, a, code)
	if err != nil {
		return nil, false, err
	}
	if !s.Online() {
		return nil, false, errUnavailable
	}
	if !a.IsCitizen() {
		return nil, false, problem.New(problem.ErrNotPermitted, "payment_not_permitted.pay")
	}
	if !f.CanPay {
		return nil, false, problem.New(problem.ErrState, "nothing_to_pay")
	}
	if f.Owed != nil && f.Owed.State == Pending {
		return f.Owed, false, nil
	}
	d := f.Dossier
	var prev *Payment // the latest payment, which must not change under us
	if len(f.Payments) > 0 {
		prev = f.Payments[0]
	}
	lines, amount := f.Quote, f.QuoteTotal
	if f.Owed != nil {
		lines, amount = f.Owed.Lines, f.Owed.Amount
	}
	now := s.cfg.Now()
	ref := ""
	if f.Owed != nil && f.Owed.State == Requested {
		ref = f.Owed.Ref
	} else if err := s.db.InTx(ctx, func(tx *store.Tx) (err error) {
		ref, err = s.newRef(ctx, tx)
		return err
	}); err != nil {
		return nil, false, err
	}
	order := Order{Ref: ref, Amount: amount, Info: "Nop phi ho so " + d.Code, ReturnURL: in.ReturnURL, IPAddr: in.IPAddr,
		Locale: in.Locale, CreatedAt: now, ExpiresAt: now.Add(s.cfg.ExpireAfter)}
	// Outside any transaction: a gateway may be called over the network.
	payURL, err := s.cfg.Gateway.PaymentURL(ctx, order)
	if err != nil {
		return nil, false, err
	}
	cols := map[string]any{"gateway": s.cfg.Gateway.Name(), "payment_url": payURL, "started_at": now.UnixMilli(),
		"expires_at": order.ExpiresAt.UnixMilli()}
	payer, unitName := refAt(a, d), s.unitName(ctx, d)
	changed := problem.Conflict("payment_changed")
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		ps, err := s.ofDossiers(ctx, tx, d.Code)
		if err != nil {
			return err
		}
		last := lastOf(ps)
		if (last == nil) != (prev == nil) || last != nil && (last.id != prev.id || last.version != prev.version) {
			return changed
		}
		if last != nil && last.State == Requested {
			if ok, err := change(ctx, tx, s.cfg.Events, last, Start, payer, now, "", cols); err != nil || !ok {
				return firstErr(err, changed)
			}
			return nil
		}
		return s.insertStarted(ctx, tx, d, unitName, ref, lines, amount, payer, now, cols)
	})
	if err != nil {
		return nil, false, err
	}
	p, err = s.Get(ctx, a, ref)
	return p, err == nil, err
}

// insertStarted creates a payment that goes to the gateway at once.
func (s *Service) insertStarted(ctx context.Context, tx *store.Tx, d *dossier.Dossier, unitName, ref string, lines []FeeLine, amount int64,
	payer actorRef, now time.Time, cols map[string]any) error {
	linesJSON, err := json.Marshal(lines)
	if err != nil {
		return err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO payments (ref, dossier_code, unit_code, unit_name, state, gateway, amount, lines,
		payer_name, payment_url, created_at, started_at, expires_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ref, d.Code, d.ReceivingUnit, unitName, string(Pending), cols["gateway"], amount, string(linesJSON),
		d.Applicant.Name, cols["payment_url"], now.UnixMilli(), cols["started_at"], cols["expires_at"], now.UnixMilli()).Scan(&id)
	if err != nil {
		return err
	}
	return appendEvent(ctx, tx, s.cfg.Events, id, ref, now, payer, Start, None, Pending, "")
}

func firstErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// stale reports whether p is an order past its expiry that no IPN closed.
func (s *Service) stale(p *Payment) bool {
	return p.State == Pending && p.ExpiresAt != nil && s.cfg.Now().After(*p.ExpiresAt)
}

// expire marks a stale order expired; if someone changed it first, p is
// reloaded to what they left.
func (s *Service) expire(ctx context.Context, p *Payment) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		ok, err := change(ctx, tx, s.cfg.Events, p, Expire, s.atUnit(ctx, tx, systemRef, p), s.cfg.Now(), "", nil)
		if err != nil || ok {
			p.decorate()
			return err
		}
		fresh, err := s.byRef(ctx, tx, p.Ref)
		if err == nil {
			*p = *fresh
		}
		return err
	})
}

// ExpireDue marks every stale order expired and reports how many it found.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ref FROM payments WHERE state = ? AND expires_at < ? ORDER BY id LIMIT 1000`,
		string(Pending), s.cfg.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	var refs []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, ref := range refs {
		p, err := s.byRef(ctx, s.db, ref)
		if err != nil {
			return 0, err
		}
		if s.stale(p) {
			if err := s.expire(ctx, p); err != nil {
				return 0, err
			}
		}
	}
	return len(refs), nil
}

// Sweep expires stale orders every interval until ctx ends (the server's
// background job; reads expire what they meet as well).
func (s *Service) Sweep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.ExpireDue(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Log.Error("payment: expiry sweep", "err", err)
			} else if n > 0 {
				s.cfg.Log.Info("payment: orders expired", "count", n)
			}
		}
	}
}
