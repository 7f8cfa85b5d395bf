package payment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/vntext"
)

// Mismatch kinds of a reconciliation.
const (
	// PaidHereOnly: confirmed paid in motcua, no successful transaction at the gateway.
	PaidHereOnly = "paid_here_only"
	// GatewayOnly: a successful transaction at the gateway that motcua has
	// not confirmed (a lost IPN, or an order motcua does not know).
	GatewayOnly = "gateway_only"
	// AmountDiffers: both sides have it, with different amounts.
	AmountDiffers = "amount_differs"
)

// Mismatch is one line of the reconciliation that does not match.
type Mismatch struct {
	Kind       string `json:"kind"`
	Ref        string `json:"ref"`
	Dossier    string `json:"dossier,omitempty"`
	State      State  `json:"state,omitempty"`
	Here       int64  `json:"here"`
	There      int64  `json:"there"`
	GatewayTxn string `json:"gateway_txn,omitempty"`
}

// Report is a day's reconciliation.
type Report struct {
	Day     string `json:"day"`
	Gateway string `json:"gateway"`
	// Here counts the payments motcua confirmed that day; There the
	// gateway's successful transactions of the day.
	Here, There, Matched int
	Mismatches           []Mismatch `json:"mismatches"`
}

// Reconcile compares the payments motcua confirmed on day (Vietnam time)
// with the gateway's successful transactions of that day. A transaction
// the gateway lists whose payment motcua confirmed on another day (around
// midnight) matches; a payment confirmed here near midnight that the
// gateway lists on the next day shows as paid here only, and is matched
// by the next day's report.
func (s *Service) Reconcile(ctx context.Context, day time.Time) (*Report, error) {
	if s.cfg.Gateway == nil {
		return nil, errUnavailable
	}
	d := day.In(calendar.Zone)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Zone)
	rep := &Report{Day: start.Format("2006-01-02"), Gateway: s.cfg.Gateway.Name(), Mismatches: []Mismatch{}}
	rows, err := s.db.QueryContext(ctx, selectPayment+` WHERE paid_at >= ? AND paid_at < ? AND state IN (?, ?) AND gateway NOT IN (?, ?) ORDER BY id`,
		start.UnixMilli(), start.AddDate(0, 0, 1).UnixMilli(), string(Paid), string(Refunded), Cash, POS) // money taken at the desk never went through the gateway
	if err != nil {
		return nil, err
	}
	here := map[string]*Payment{}
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		here[p.Ref] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep.Here = len(here)
	txns, err := s.cfg.Gateway.Transactions(ctx, start)
	if err != nil {
		return nil, err
	}
	for _, t := range txns {
		if !t.Success {
			continue
		}
		rep.There++
		p, ok := here[t.Ref]
		delete(here, t.Ref)
		if !ok {
			p, err = s.byRef(ctx, s.db, t.Ref)
			if errors.Is(err, problem.ErrNotFound) {
				rep.Mismatches = append(rep.Mismatches, Mismatch{Kind: GatewayOnly, Ref: t.Ref, There: t.Amount, GatewayTxn: t.GatewayTxn})
				continue
			}
			if err != nil {
				return nil, err
			}
			if p.State != Paid && p.State != Refunded {
				rep.Mismatches = append(rep.Mismatches, Mismatch{Kind: GatewayOnly, Ref: t.Ref, Dossier: p.Dossier, State: p.State,
					Here: p.Amount, There: t.Amount, GatewayTxn: t.GatewayTxn})
				continue
			}
		}
		if p.Amount != t.Amount {
			rep.Mismatches = append(rep.Mismatches, Mismatch{Kind: AmountDiffers, Ref: t.Ref, Dossier: p.Dossier, State: p.State,
				Here: p.Amount, There: t.Amount, GatewayTxn: t.GatewayTxn})
			continue
		}
		rep.Matched++
	}
	for _, p := range here {
		rep.Mismatches = append(rep.Mismatches, Mismatch{Kind: PaidHereOnly, Ref: p.Ref, Dossier: p.Dossier, State: p.State,
			Here: p.Amount, GatewayTxn: p.GatewayTxn})
	}
	sort.Slice(rep.Mismatches, func(i, j int) bool {
		a, b := rep.Mismatches[i], rep.Mismatches[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Ref < b.Ref
	})
	return rep, nil
}

// mismatchNames are the Vietnamese names of the kinds, for the printed report.
var mismatchNames = map[string]string{
	PaidHereOnly:  "Đã thu tại motcua, cổng không có",
	GatewayOnly:   "Cổng có, motcua chưa ghi nhận",
	AmountDiffers: "Lệch số tiền",
}

// WriteReport prints a reconciliation as a plain table.
func WriteReport(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Đối soát %s ngày %s: motcua %d giao dịch, cổng %d, khớp %d, lệch %d\n",
		gatewayName(r.Gateway), r.Day, r.Here, r.There, r.Matched, len(r.Mismatches))
	if len(r.Mismatches) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "Loại\tMã thanh toán\tHồ sơ\tTrạng thái\tmotcua\tCổng\tMã GD cổng")
		for _, m := range r.Mismatches {
			state := ""
			if m.State != "" {
				state = m.State.Name()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mismatchNames[m.Kind], m.Ref, dash(m.Dossier), dash(state),
				vntext.Money(m.Here), vntext.Money(m.There), dash(m.GatewayTxn))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
