package dvcqg

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Looker asks the portal what it holds of a dossier (Client).
type Looker interface {
	Lookup(ctx context.Context, maHoSo string) (*Lookup, error)
}

// Mismatch is one dossier whose portal copy differs from what motcua sent
// or meant to send.
type Mismatch struct {
	MaHoSo string
	// NoRecord: the portal does not hold the dossier at all.
	NoRecord bool
	// Missing are the keys of steps motcua recorded as sent that the
	// portal does not hold; Waiting how many calls are not sent yet
	// (Failed of them given up).
	Missing         []string
	Waiting, Failed int
	// Requeued is how many calls were put back in the outbox, from the
	// first one missing on: the portal drops those it has by their key,
	// and the rest arrive in order.
	Requeued int
	Err      string
}

// ReconcileReport is the outcome of Reconcile for one day.
type ReconcileReport struct {
	Day        string
	Checked    int
	Mismatches []Mismatch
}

// Reconcile compares, for every dossier that had a call to the portal
// written on day (Vietnam time) or has a failed call, the portal's copy (TraCuuHoSo) with the
// outbox, and re-enqueues what the portal lacks: failed calls, and every
// call from the first step missing there on. Calls still waiting are
// reported, not touched: the worker sends them.
func (s *Service) Reconcile(ctx context.Context, portal Looker, day time.Time) (ReconcileReport, error) {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, day.Location())
	to := from.AddDate(0, 0, 1)
	rep := ReconcileReport{Day: from.Format(time.DateOnly)}
	// Also every dossier holding a failed call, whatever the day: a failed
	// call holds back its dossier's later calls until a reconcile puts it
	// back, and an operator running the daily reconcile must not have to
	// know the day it was written on.
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT s.dossier_id, s.ma_ho_so FROM dvcqg_outbox o JOIN dvcqg_sync s ON s.dossier_id = o.dossier_id
		WHERE (o.created_at >= ? AND o.created_at < ?) OR o.status = 'failed' ORDER BY s.ma_ho_so`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return rep, err
	}
	type one struct {
		id   int64
		code string
	}
	var all []one
	for rows.Next() {
		var o one
		if err := rows.Scan(&o.id, &o.code); err != nil {
			rows.Close()
			return rep, err
		}
		all = append(all, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for _, o := range all {
		m, err := s.reconcileOne(ctx, portal, o.id, o.code)
		if err != nil {
			return rep, err
		}
		rep.Checked++
		if m != nil {
			rep.Mismatches = append(rep.Mismatches, *m)
		}
	}
	return rep, nil
}

type sentCall struct {
	seq            int64
	service, key   string
	status, errMsg string
}

func (s *Service) reconcileOne(ctx context.Context, portal Looker, dossierID int64, code string) (*Mismatch, error) {
	m := &Mismatch{MaHoSo: code}
	l, err := portal.Lookup(ctx, code)
	if err != nil {
		m.Err = err.Error()
		return m, nil // the portal's answer is what is out of sync; go on with the others
	}
	have := map[string]bool{}
	for _, st := range l.TienDo {
		have[st.IdDongBo] = true
	}
	m.NoRecord = l.HoSo == nil
	rows, err := s.db.QueryContext(ctx, `SELECT seq, service, dedupe_key, status, last_error FROM dvcqg_outbox WHERE dossier_id = ? ORDER BY seq`, dossierID)
	if err != nil {
		return nil, err
	}
	var calls []sentCall
	for rows.Next() {
		var c sentCall
		if err := rows.Scan(&c.seq, &c.service, &c.key, &c.status, &c.errMsg); err != nil {
			rows.Close()
			return nil, err
		}
		calls = append(calls, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	first := int64(0) // the first seq to send again
	for _, c := range calls {
		switch {
		case c.status != "sent":
			m.Waiting++
			if c.status == "failed" {
				m.Failed++
				if first == 0 {
					first = c.seq
				}
			}
		case m.NoRecord:
			if first == 0 {
				first = c.seq
			}
		case c.service == s.m.Services.PushStep && !have[c.key]:
			m.Missing = append(m.Missing, c.key)
			if first == 0 {
				first = c.seq
			}
		}
	}
	if first > 0 {
		now := s.cfg.Now().UnixMilli()
		res, err := s.db.ExecContext(ctx, `UPDATE dvcqg_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, locked_by = '', locked_until = 0
			WHERE dossier_id = ? AND seq >= ? AND status IN ('sent', 'failed')`, now, dossierID, first)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		m.Requeued = int(n)
		if _, err := s.db.ExecContext(ctx, `UPDATE dvcqg_sync SET synced = 0, updated_at = ? WHERE dossier_id = ?`, now, dossierID); err != nil {
			return nil, err
		}
	}
	if !m.NoRecord && len(m.Missing) == 0 && m.Waiting == 0 && m.Err == "" {
		return nil, nil
	}
	return m, nil
}

// WriteReport prints a reconciliation in Vietnamese, for the CLI.
func WriteReport(w io.Writer, r ReconcileReport) error {
	if _, err := fmt.Fprintf(w, "Đối soát đồng bộ Cổng DVC quốc gia ngày %s: %d hồ sơ, %d lệch.\n", r.Day, r.Checked, len(r.Mismatches)); err != nil {
		return err
	}
	for _, m := range r.Mismatches {
		line := "  " + m.MaHoSo + ":"
		if m.Err != "" {
			line += " không tra cứu được trên Cổng (" + m.Err + ");"
		}
		if m.NoRecord {
			line += " Cổng chưa có hồ sơ;"
		}
		if len(m.Missing) > 0 {
			line += fmt.Sprintf(" Cổng thiếu %d bước (%v);", len(m.Missing), m.Missing)
		}
		if m.Waiting > 0 {
			line += fmt.Sprintf(" %d lời gọi chưa gửi (%d đã bỏ cuộc);", m.Waiting, m.Failed)
		}
		if m.Requeued > 0 {
			line += fmt.Sprintf(" đã xếp lại %d lời gọi để gửi.", m.Requeued)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
