package dossier

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Anonymised is published, in the transaction that anonymised a closed
// dossier whose retention ended (Anonymise), so that every module holding
// a copy of its personal data scrubs its own rows: the dossier module
// writes no other module's table. The dossier's row, its history and its
// figures stay: codes, procedure, units, states, times and fees count in
// the reports; names, identity numbers, contacts, addresses, the form,
// notes and files go.
type Anonymised struct {
	At            time.Time
	DossierID     int64
	Code          string
	ProcedureCode string
	// OwnerID is the citizen account that filed the dossier (0 for none):
	// the account itself stays, the dossier's traces under it go.
	OwnerID int64
	// Run names the retention run (its as-of day) for the audit log.
	Run string
	// EventDigests are the digests of the dossier's history rows after
	// their applicant names and notes were removed (EventDigests): the
	// audit log records them so its anchors still verify (audit.Redact).
	EventDigests map[int64]string
}

// AnonymisedName is what an anonymised dossier shows as its applicant.
const AnonymisedName = "(đã ẩn danh)"

// RetentionCount is one procedure's line of a retention run.
type RetentionCount struct {
	Procedure string `json:"procedure"`
	Years     int    `json:"years"`
	Dossiers  int    `json:"dossiers"`
}

// RetentionReport is what a retention run found (and, unless dry, did).
type RetentionReport struct {
	AsOf       string           `json:"as_of"`
	DryRun     bool             `json:"dry_run"`
	Procedures []RetentionCount `json:"procedures"`
	Dossiers   int              `json:"dossiers"`
}

// Anonymise finds the closed dossiers (a final state of the lifecycle
// table, State.Final) whose procedure's retention (catalog: Retentions,
// in years from the day the dossier closed; 0 is permanent) ended before
// asOf, and — unless dry — anonymises each in its own transaction,
// publishing Anonymised there. Several instances may run at once: each
// dossier is claimed by a conditional UPDATE (anonymised_at IS NULL), as
// the supplement sweep claims by version, so one of them does it. Every
// run that is not dry publishes an event.Security "retention_run" with
// its counts for the audit log.
func (s *Service) Anonymise(ctx context.Context, asOf time.Time, dry bool) (RetentionReport, error) {
	day := asOf.In(calendar.Zone).Format(time.DateOnly)
	rep := RetentionReport{AsOf: day, DryRun: dry}
	years, err := s.catalog.Retentions(ctx)
	if err != nil {
		return rep, err
	}
	codes := make([]string, 0, len(years))
	for c := range years {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	final := []any{}
	for _, st := range States {
		if st.Final() {
			final = append(final, string(st))
		}
	}
	for _, code := range codes {
		y := years[code]
		if y <= 0 {
			continue // permanent: kept whole
		}
		cutoff := asOf.AddDate(-y, 0, 0).UnixMilli()
		args := append([]any{code, cutoff}, final...)
		ids, err := store.Int64s(ctx, s.db, `SELECT id FROM dossiers WHERE procedure_code = ? AND closed_at IS NOT NULL
			AND closed_at < ? AND anonymised_at IS NULL AND status IN (`+store.Placeholders(len(final))+`) ORDER BY id`, args...)
		if err != nil {
			return rep, err
		}
		if len(ids) == 0 {
			continue
		}
		n := len(ids)
		if !dry {
			n = 0
			for _, id := range ids {
				done, err := s.anonymise(ctx, id, s.cfg.Now(), day)
				if err != nil {
					return rep, fmt.Errorf("dossier: anonymise %d: %w", id, err)
				}
				if done {
					n++
				}
			}
		}
		rep.Procedures = append(rep.Procedures, RetentionCount{Procedure: code, Years: y, Dossiers: n})
		rep.Dossiers += n
	}
	if dry {
		return rep, nil
	}
	if rep.Dossiers > 0 && s.db.Dialect != store.Postgres {
		// FTS5 keeps a deleted row's words in its index until segments
		// merge: merge them now, so the removed words are gone.
		if _, err := s.db.ExecContext(ctx, `INSERT INTO dossier_words(dossier_words) VALUES ('optimize')`); err != nil {
			return rep, err
		}
	}
	details, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Events, tx, event.Security{At: s.cfg.Now(), ActorName: SystemName, ActorRole: SystemRole,
			Action: "retention_run", Object: "retention:" + day, Details: string(details)})
	})
	return rep, err
}

// anonymise scrubs one dossier, if no other run did it first.
func (s *Service) anonymise(ctx context.Context, id int64, now time.Time, run string) (bool, error) {
	done := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var code, proc string
		var owner *int64
		if err := tx.QueryRowContext(ctx, `SELECT code, procedure_code, owner_id FROM dossiers WHERE id = ?`, id).Scan(&code, &proc, &owner); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE dossiers SET anonymised_at = ?, applicant_name = ?, applicant_id_number = '',
			applicant_phone = '', applicant_email = '', applicant_address = '', applicant_birth_date = '', form = '{}',
			search = ?, track_token = '', on_behalf_reason = '' WHERE id = ? AND anonymised_at IS NULL`,
			now.UnixMilli(), AnonymisedName, code, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // another instance claimed it
		}
		stmts := []string{
			// The applicant's name where they acted; every note (reasons
			// may quote the applicant). Officers' names stay: they acted
			// in office.
			`UPDATE dossier_events SET actor_name = CASE WHEN actor_role = '` + ApplicantRole + `' THEN '' ELSE actor_name END, note = '' WHERE dossier_id = ?`,
			`UPDATE dossier_pauses SET reason = '', end_note = '' WHERE dossier_id = ?`,
			`UPDATE dossier_supplement_items SET reason = '' WHERE event_id IN (SELECT event_id FROM dossier_supplement_requests WHERE dossier_id = ?)`,
			`UPDATE dossier_consultations SET question = '', files = '', answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END,
				answer_file_id = NULL WHERE dossier_id = ?`,
			// The files' rows go; the blobs nobody else refers to then go
			// with the next collection (CollectBlobs).
			`DELETE FROM dossier_files WHERE dossier_id = ?`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		evs, err := store.Int64s(ctx, tx, `SELECT id FROM dossier_events WHERE dossier_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		digests, err := EventDigests(ctx, tx, evs)
		if err != nil {
			return err
		}
		e := Anonymised{At: now, DossierID: id, Code: code, ProcedureCode: proc, Run: run, EventDigests: digests}
		if owner != nil {
			e.OwnerID = *owner
		}
		done = true
		return event.Publish(ctx, s.cfg.Events, tx, e)
	})
	return done, err
}

// RunRetention runs Anonymise as of now every interval until ctx ends
// (motcua serve, daily), logging each run; a failed run is retried on
// the next tick.
func (s *Service) RunRetention(ctx context.Context, every time.Duration, log *slog.Logger) {
	for {
		rep, err := s.Anonymise(ctx, s.cfg.Now(), false)
		if err != nil && ctx.Err() == nil {
			log.Error("retention run", "err", err)
		} else if err == nil {
			log.Info("retention run", "as_of", rep.AsOf, "anonymised", rep.Dossiers)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
