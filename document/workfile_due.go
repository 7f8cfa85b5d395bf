package document

import (
	"context"
	"log/slog"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// WorkFileDueSoon is published once per work file and archive due date
// when the file's 30-day warning starts (WarnDueFiles): the file is
// closed and must be handed to the organ's archive by ArchiveDue. Package
// notify tells the file's keeper (KeeperID; 0 when the account is gone).
type WorkFileDueSoon struct {
	FileID   int64
	FileCode string
	Title    string
	// UnitID is the organ, Organ its name (the file's Creator).
	UnitID     int64
	Organ      string
	KeeperID   int64
	ArchiveDue string // YYYY-MM-DD, Vietnam
	At         time.Time
}

// warnBatch bounds the files one round of WarnDueFiles reads at once.
const warnBatch = 200

// WarnDueFiles publishes WorkFileDueSoon for every closed work file whose
// archive warning has started (WarnFrom on or before today in Vietnam,
// past due included) and was not published for this due date yet. Each
// file is its own transaction: the row in document_work_file_warnings
// and the event (hence notify's outbox rows) commit together. The
// primary key of that row is what keeps it to once per file and due date
// however often the check runs and on however many instances: two
// instances racing on a file both try the insert, one inserts, and the
// other's insert does nothing (on PostgreSQL it waits for the first to
// commit), so only one publishes. It returns how many it published.
func (s *Service) WarnDueFiles(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	// WarnFrom ≤ today  ⇔  ArchiveDue ≤ today + ArchiveWarningDays.
	limit := now.In(calendar.Zone).AddDate(0, 0, ArchiveWarningDays).Format(time.DateOnly)
	n := 0
	var after int64
	for {
		due, err := s.dueFiles(ctx, limit, after)
		if err != nil {
			return n, err
		}
		for _, e := range due {
			after = e.FileID
			done, err := s.warnFile(ctx, e)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
		}
		if len(due) < warnBatch {
			return n, nil
		}
	}
}

// dueFiles lists the closed files due by limit without a warning row for
// their due date, by id after after.
func (s *Service) dueFiles(ctx context.Context, limit string, after int64) ([]WorkFileDueSoon, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.file_code, f.title, f.unit_id, f.creator, COALESCE(f.keeper_id, 0), f.archive_due
		FROM document_work_files f WHERE f.state = ? AND f.archive_due <> '' AND f.archive_due <= ? AND f.id > ?
		AND NOT EXISTS (SELECT 1 FROM document_work_file_warnings w WHERE w.file_id = f.id AND w.archive_due = f.archive_due)
		ORDER BY f.id LIMIT ?`, FileClosed, limit, after, warnBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WorkFileDueSoon
	for rows.Next() {
		var e WorkFileDueSoon
		if err := rows.Scan(&e.FileID, &e.FileCode, &e.Title, &e.UnitID, &e.Organ, &e.KeeperID, &e.ArchiveDue); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// warnFile claims e's warning row and publishes it in one transaction;
// false when another run (or instance) already had it, or the file was
// handed over in the meantime.
func (s *Service) warnFile(ctx context.Context, e WorkFileDueSoon) (bool, error) {
	e.At = s.cfg.Now()
	published := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO document_work_file_warnings (file_id, archive_due, warned_at) VALUES (?, ?, ?)
			ON CONFLICT (file_id, archive_due) DO NOTHING`, e.FileID, e.ArchiveDue, e.At.UnixMilli())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		// Read again under the claim: archived or reopened since the list.
		var still int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_work_files WHERE id = ? AND state = ? AND archive_due = ?`,
			e.FileID, FileClosed, e.ArchiveDue).Scan(&still); err != nil || still == 0 {
			return err
		}
		published = true
		return event.Publish(ctx, s.cfg.Bus, tx, e)
	})
	return published && err == nil, err
}

// RunArchiveWarnings runs WarnDueFiles at once and then every interval
// until ctx ends (motcua serve runs it; safe on several instances).
func (s *Service) RunArchiveWarnings(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.WarnDueFiles(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("work files due for the archive", "err", err)
		} else if n > 0 {
			log.Info("work files due for the archive", "warned", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
