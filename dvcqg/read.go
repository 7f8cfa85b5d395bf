package dvcqg

import (
	"context"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// Counts tallies the outbox by status (for /metrics and tests: failed and
// long-pending rows are what an operator must see).
func (s *Service) Counts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM dvcqg_outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Unsent is how many calls wait to be sent (pending, being sent, failed).
func (s *Service) Unsent(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dvcqg_outbox WHERE status <> 'sent'`).Scan(&n)
	return n, err
}

// OutOfSync is a dossier the portal does not hold entirely.
type OutOfSync struct {
	DossierID int64
	// Code is motcua's code; MaHoSo the portal's (the same, unless the
	// dossier was filed on the portal).
	Code   string
	MaHoSo string
	// Waiting is how many calls are not sent yet; Failed, how many of them
	// were given up (they wait for reconcile).
	Waiting, Failed int
	LastStatus      int
	LastError       string
	Since           time.Time // when its oldest unsent call was written
}

// OutOfSync lists the dossiers received or held by the given units whose
// calls are not all sent, oldest first.
func (s *Service) OutOfSync(ctx context.Context, units []int64, limit int) ([]OutOfSync, error) {
	if len(units) == 0 {
		return nil, nil
	}
	in := make([]any, 0, 2*len(units)+1)
	for _, u := range units {
		in = append(in, u)
	}
	in = append(in, in...)
	in = append(in, limit)
	ph := store.Placeholders(len(units))
	rows, err := s.db.QueryContext(ctx, `SELECT s.dossier_id, s.ma_ho_so, s.last_status, s.last_error,
		(SELECT COUNT(*) FROM dvcqg_outbox o WHERE o.dossier_id = s.dossier_id AND o.status <> 'sent'),
		(SELECT COUNT(*) FROM dvcqg_outbox o WHERE o.dossier_id = s.dossier_id AND o.status = 'failed'),
		(SELECT MIN(o.created_at) FROM dvcqg_outbox o WHERE o.dossier_id = s.dossier_id AND o.status <> 'sent')
		FROM dvcqg_sync s WHERE s.synced = 0 AND (s.receiving_unit_id IN (`+ph+`) OR s.unit_id IN (`+ph+`))
		ORDER BY s.updated_at LIMIT ?`, in...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutOfSync
	for rows.Next() {
		var o OutOfSync
		var since *int64
		if err := rows.Scan(&o.DossierID, &o.MaHoSo, &o.LastStatus, &o.LastError, &o.Waiting, &o.Failed, &since); err != nil {
			return nil, err
		}
		if since != nil {
			o.Since = time.UnixMilli(*since).In(calendar.Zone)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, o := range out {
		ids[i] = o.DossierID
	}
	refs, err := dossier.Refs(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Code = refs[out[i].DossierID].Code
	}
	return out, nil
}

// Rate is Decision 766's synchronisation figure: of the dossiers known to
// the portal sync, how many the portal holds entirely.
type Rate struct{ Synced, Total int64 }

// SyncRate counts the dossiers received in [from, to) (all when both are
// zero) by the given units (all units when nil) and those of them
// synchronised.
func (s *Service) SyncRate(ctx context.Context, units []int64, from, to time.Time) (Rate, error) {
	var r Rate
	lo, hi := int64(0), int64(1)<<62
	if !from.IsZero() {
		lo = from.UnixMilli()
	}
	if !to.IsZero() {
		hi = to.UnixMilli()
	}
	q, args := `SELECT COUNT(*), COALESCE(SUM(synced), 0) FROM dvcqg_sync WHERE received_at >= ? AND received_at < ?`, []any{lo, hi}
	if units != nil {
		if len(units) == 0 {
			return r, nil
		}
		q += ` AND receiving_unit_id IN (` + store.Placeholders(len(units)) + `)`
		for _, u := range units {
			args = append(args, u)
		}
	}
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&r.Total, &r.Synced)
	return r, err
}
