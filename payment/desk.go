package payment

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Methods of paying at the desk; stored as the payment's gateway, so the
// receipt and the history say how the money came.
const (
	Cash = "cash"
	POS  = "pos"
)

// DeskInput is what the receiving desk enters when the applicant pays at
// the counter.
type DeskInput struct {
	// Method is Cash or POS.
	Method string `json:"method"`
	// ReceiptNo is the number of the cash receipt or of the POS slip the
	// desk handed over; it is kept as the payment's transaction number.
	ReceiptNo string `json:"receipt_no"`
}

// MayTakeAtDesk reports whether officer a may record a fee of d paid at
// the counter: reception at the receiving unit, which collects the fee.
func MayTakeAtDesk(a *auth.Actor, d *dossier.Dossier) bool {
	return a.HoldsAt(d.ReceivingUnitID(), auth.Reception)
}

// PayAtDesk records that payment ref was paid at the counter. The
// e-receipt is numbered and FeePaid published exactly as for a payment a
// gateway confirmed, so the receipt page and every listener see no
// difference but the method.
func (s *Service) PayAtDesk(ctx context.Context, a *auth.Actor, ref string, in DeskInput) (*Payment, error) {
	p, err := s.Get(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	d, err := s.dossiers.Get(ctx, a, p.Dossier)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() || !MayTakeAtDesk(a, d) {
		return nil, problem.New(problem.ErrNotPermitted, "payment_not_permitted.desk")
	}
	if in.Method != Cash && in.Method != POS {
		return nil, problem.Invalid("method", "invalid_payment_method")
	}
	in.ReceiptNo = strings.TrimSpace(in.ReceiptNo)
	if in.ReceiptNo == "" || len([]rune(in.ReceiptNo)) > 50 {
		return nil, problem.Invalid("receipt_no", "invalid_desk_receipt")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.cfg.Now()
		note := "Nộp tại bộ phận một cửa (tiền mặt), số biên nhận " + in.ReceiptNo
		if in.Method == POS {
			note = "Nộp tại bộ phận một cửa (thẻ qua POS), số giao dịch " + in.ReceiptNo
		}
		cols := map[string]any{"paid_at": now.UnixMilli(), "gateway": in.Method, "gateway_txn": in.ReceiptNo, "payment_url": ""}
		ok, err := change(ctx, tx, s.cfg.Events, p, Desk, refAt(a, d), now, note, cols)
		if err != nil {
			return err
		}
		if !ok {
			return problem.New(problem.ErrState, "invalid_transition.desk", problem.Key("payment.state."+string(p.State)))
		}
		if err := s.issueReceipt(ctx, tx, p, now); err != nil {
			return err
		}
		return event.Publish(ctx, s.cfg.Events, tx, FeePaid{Ref: p.Ref, Dossier: p.Dossier, Unit: p.Unit, Amount: p.Amount,
			Gateway: in.Method, GatewayTxn: in.ReceiptNo, PaidAt: now, At: now})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, ref)
}

// Owed reports whether dossier code still owes a fee: its latest fee
// demand is neither paid nor withdrawn (a retry after a failed order is a
// newer row, so the latest one speaks). The dossier service is given this
// at wiring (dossier.Config.Owed) and refuses delivery while it holds; it
// reads with the caller's querier so the answer is the transaction's.
func Owed(ctx context.Context, q store.Querier, code string) (bool, error) {
	var st string
	err := q.QueryRowContext(ctx, `SELECT state FROM payments WHERE dossier_code = ? ORDER BY id DESC LIMIT 1`, code).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return State(st).Open(), nil
}
