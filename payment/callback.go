package payment

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// HandleCallback processes the gateway's server-to-server notification of
// a result (VNPAY's IPN). In order: the signature (a forgery changes
// nothing), the order (unknown reference), the amount (a different amount
// changes nothing), then the state machine: a payment already confirmed,
// or a result arriving out of order, changes nothing and is answered as
// already confirmed, so the same IPN delivered twice, or two at once,
// moves a payment once. Every callback is kept in payment_callbacks with
// what motcua answered, and every refusal is logged.
func (s *Service) HandleCallback(ctx context.Context, c Callback) Outcome {
	if s.cfg.Gateway == nil {
		return UnknownError
	}
	gw := s.cfg.Gateway.Name()
	res, err := s.cfg.Gateway.VerifyCallback(c)
	var out Outcome
	switch {
	case errors.Is(err, ErrBadSignature):
		out = InvalidSignature
	case err != nil:
		out = UnknownError
	default:
		out, err = s.confirm(ctx, res)
	}
	ref := res.Ref
	if ref == "" {
		ref = c.Query.Get("vnp_TxnRef")
	}
	s.record(ctx, gw, ref, out, c)
	if out != Confirmed {
		s.cfg.Log.WarnContext(ctx, "payment: callback changed nothing", "gateway", gw, "ref", ref, "outcome", string(out),
			"remote", c.Remote, "err", err)
	}
	return out
}

// confirm applies a verified result to its payment.
func (s *Service) confirm(ctx context.Context, res Result) (Outcome, error) {
	out := UnknownError
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.byRef(ctx, tx, res.Ref)
		if errors.Is(err, problem.ErrNotFound) {
			out = OrderNotFound
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case p.State == Requested:
			out = OrderNotFound // no order went to the gateway under this reference
			return nil
		case res.Amount != p.Amount:
			out = InvalidAmount
			return nil
		}
		now := s.cfg.Now()
		action, cols := Fail, map[string]any{}
		note := "Mã phản hồi " + res.Code
		if res.Success {
			action = Confirm
			paid := res.PaidAt
			if paid.IsZero() {
				paid = now
			}
			cols = map[string]any{"paid_at": paid.UnixMilli(), "gateway_txn": res.GatewayTxn, "bank_code": res.BankCode}
			note = "Mã giao dịch " + res.GatewayTxn
			if res.BankCode != "" {
				note += ", ngân hàng " + res.BankCode
			}
		}
		ok, err := change(ctx, tx, s.cfg.Events, p, action, s.atUnit(ctx, tx, actorRef{name: gatewayName(p.Gateway)}, p), now, note, cols)
		if err != nil {
			return err
		}
		if !ok {
			out = AlreadyConfirmed
			return nil
		}
		if action == Confirm {
			if err := s.issueReceipt(ctx, tx, p, now); err != nil {
				return err
			}
			if err := event.Publish(ctx, s.cfg.Events, tx, FeePaid{Ref: p.Ref, Dossier: p.Dossier, Unit: p.Unit, Amount: p.Amount,
				Gateway: p.Gateway, GatewayTxn: res.GatewayTxn, PaidAt: fromMs(cols["paid_at"].(int64)), At: now}); err != nil {
				return err
			}
		}
		out = Confirmed
		return nil
	})
	if err != nil {
		return UnknownError, err
	}
	return out, nil
}

// issueReceipt numbers the e-receipt of a payment just confirmed: one
// series per collecting unit and year, numbered from 1 (the counter row
// is taken in the confirming transaction, so numbers have no gaps).
func (s *Service) issueReceipt(ctx context.Context, tx *store.Tx, p *Payment, now time.Time) error {
	year := now.In(calendar.Zone).Year()
	n, err := nextSeq(ctx, tx, "receipt:"+p.Unit, strconv.Itoa(year))
	if err != nil {
		return err
	}
	series := ReceiptSeries(year)
	_, err = tx.ExecContext(ctx, `UPDATE payments SET receipt_series = ?, receipt_no = ? WHERE id = ?`, series, n, p.id)
	return err
}

// ReceiptSeries is the symbol (ký hiệu) of a year's e-receipts: "BL-26E",
// E for electronic. [M] The symbol layout of Circular 78/2021/TT-BTC for
// fee receipts is to be confirmed with the unit's tax authority; the
// number runs per unit and year either way.
func ReceiptSeries(year int) string { return fmt.Sprintf("BL-%02dE", year%100) }

func gatewayName(g string) string {
	switch g {
	case "vnpay":
		return "VNPAY"
	case "paygov":
		return "PayGov"
	case Cash:
		return "Tiền mặt tại quầy"
	case POS:
		return "Thẻ qua POS tại quầy"
	}
	return g
}

// record keeps a callback and the answer; failing to keep it must not
// change the answer, so an error is only logged.
func (s *Service) record(ctx context.Context, gw, ref string, out Outcome, c Callback) {
	raw := c.Query.Encode()
	if len(c.Body) > 0 {
		raw = string(c.Body)
	}
	if len(raw) > 4000 {
		raw = raw[:4000]
	}
	if len(ref) > 100 {
		ref = ref[:100]
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO payment_callbacks (at, gateway, ref, outcome, remote, raw) VALUES (?, ?, ?, ?, ?, ?)`,
		s.cfg.Now().UnixMilli(), gw, ref, string(out), c.Remote, raw)
	if err != nil {
		s.cfg.Log.ErrorContext(ctx, "payment: record callback", "err", err)
	}
}

// Returned is what the payer's return from the gateway shows.
type Returned struct {
	Payment *Payment
	// GatewaySuccess is what the gateway told the payer; the payment's own
	// state changes only by the IPN.
	GatewaySuccess bool
	Code           string
}

// Return reads the payer's return from the gateway. It checks the
// signature and finds the payment, and changes nothing: the return page
// says "being confirmed" until the IPN has confirmed the payment.
func (s *Service) Return(ctx context.Context, q url.Values) (*Returned, error) {
	if s.cfg.Gateway == nil {
		return nil, errUnavailable
	}
	res, err := s.cfg.Gateway.VerifyCallback(Callback{Query: q})
	if err != nil {
		return nil, problem.Invalid("", "invalid_return")
	}
	p, err := s.byRef(ctx, s.db, res.Ref)
	if err != nil {
		return nil, err
	}
	if s.stale(p) {
		if err := s.expire(ctx, p); err != nil {
			return nil, err
		}
	}
	if res.Amount != p.Amount {
		return nil, problem.Invalid("", "invalid_return.amount")
	}
	return &Returned{Payment: p, GatewaySuccess: res.Success, Code: res.Code}, nil
}
