package reorg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Config connects a Service to the clock, the bus and the log.
type Config struct {
	// Now decides whether a plan's date has come (nil: time.Now).
	Now func() time.Time
	// Bus carries the units' events (unit.Merged, unit.Abolished) to the
	// modules whose rows follow a unit, and event.Security to the audit
	// log. It must be the bus the unit Store publishes on.
	Bus *event.Bus
	// Log receives scheduled plans that failed when their date came (nil: slog.Default).
	Log *slog.Logger
}

// Service checks, dry-runs, schedules, carries out and reverts plans.
type Service struct {
	db    *store.DB
	units *unit.Store
	cfg   Config
}

// New returns a Service on db changing units through the unit Store.
func New(db *store.DB, units *unit.Store, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{db: db, units: units, cfg: cfg}
}

// errRollback ends a dry run's transaction after its report is made.
var errRollback = errors.New("reorg: dry run")

// DryRun carries p out inside a transaction and rolls it back, so the
// report is exactly what Apply would do now. A plan the tree does not
// allow returns its report with Refused filled, and the refusal as error.
func (s *Service) DryRun(ctx context.Context, actor *auth.Actor, p Plan) (Report, error) {
	if err := p.Validate(); err != nil {
		return refused(p, err), err
	}
	if err := s.authorise(ctx, actor, p); err != nil {
		return refused(p, err), err
	}
	// A plan already carried out (or scheduled) would find its own units
	// in the way: say so rather than refuse it.
	if rep, done, err := s.already(ctx, p); done || err != nil {
		return rep, err
	}
	var rep Report
	err := s.db.InTxAlone(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = s.carryOut(ctx, tx, p)
		if err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		rep.State = DryRun
		return rep, nil
	}
	return refused(p, err), err
}

// Apply carries p out in one transaction, back-dated in the units'
// history to its effective date, or — when that date is still to come —
// checks it by a dry run and stores it as scheduled. Applying a plan
// again with the same content is a no-op (State Already); the same id
// with other content is refused (409 plan_changed). actor nil is the
// command line; otherwise actor must administer every existing unit the
// plan names.
func (s *Service) Apply(ctx context.Context, actor *auth.Actor, p Plan) (Report, error) {
	if err := p.Validate(); err != nil {
		return refused(p, err), err
	}
	if err := s.authorise(ctx, actor, p); err != nil {
		return refused(p, err), err
	}
	at, _ := unit.Day(p.Effective)
	if rep, done, err := s.already(ctx, p); done || err != nil {
		return rep, err
	}
	if at.After(s.cfg.Now()) {
		rep, err := s.DryRun(ctx, actor, p)
		if err != nil {
			return rep, err
		}
		rep.State = Scheduled
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			// The dry run's report is kept: what the plan will move, as of now.
			if err := s.save(ctx, tx, p, Scheduled, &rep, actor, ""); err != nil {
				return err
			}
			return s.audit(ctx, tx, actor, "reorg_scheduled", p, rep)
		})
		if err != nil {
			return refused(p, err), err
		}
		return rep, nil
	}
	var rep Report
	err := s.db.InTxAlone(ctx, func(tx *store.Tx) error {
		var err error
		if rep, err = s.carryOut(ctx, tx, p); err != nil {
			return err
		}
		rep.State = Applied
		if err := s.save(ctx, tx, p, Applied, &rep, actor, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "reorg_applied", p, rep)
	})
	if err != nil {
		return refused(p, err), err
	}
	return rep, nil
}

// already answers for a plan stored before under p's id: the same content
// applied or scheduled is done (State Already); other content is refused
// (409 plan_changed); a reverted or failed plan may be tried again.
func (s *Service) already(ctx context.Context, p Plan) (Report, bool, error) {
	rec, err := s.Get(ctx, p.ID)
	if errors.Is(err, problem.ErrNotFound) {
		return Report{}, false, nil
	}
	if err != nil {
		return Report{}, true, err
	}
	if rec.Checksum != p.Checksum() {
		err := problem.Conflict("plan_changed", p.ID)
		return refused(p, err), true, err
	}
	if rec.State == Applied || rec.State == Scheduled {
		return Report{Plan: p.ID, Title: p.Title, Effective: p.Effective, State: Already, At: s.cfg.Now()}, true, nil
	}
	return Report{}, false, nil
}

// Revert cancels a scheduled plan before its date: nothing of it was
// carried out, so nothing is undone. An applied plan cannot be reverted
// (409 reorg_not_revertible): a new plan undoes a reorganisation.
func (s *Service) Revert(ctx context.Context, actor *auth.Actor, id string) error {
	rec, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if rec.State != Scheduled || !rec.Effective.After(s.cfg.Now()) {
		return problem.Conflict("reorg_not_revertible", id)
	}
	if err := s.authorise(ctx, actor, rec.Plan); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reorg_plans SET state = ? WHERE id = ? AND state = ?`, Reverted, id, Scheduled)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.Conflict("reorg_not_revertible", id)
		}
		return s.audit(ctx, tx, actor, "reorg_reverted", rec.Plan, Report{})
	})
}

// RunDue carries out the scheduled plans whose date has come, oldest
// first, as the system. A plan the tree no longer allows is marked failed
// with its error and logged; the others still run. It returns how many
// were carried out.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT id FROM reorg_plans WHERE state = ? AND effective <= ? ORDER BY effective, id`,
		Scheduled, s.cfg.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		rec, err := s.Get(ctx, id)
		if err != nil {
			return done, err
		}
		var rep Report
		err = s.db.InTxAlone(ctx, func(tx *store.Tx) error {
			var err error
			if rep, err = s.carryOut(ctx, tx, rec.Plan); err != nil {
				return err
			}
			rep.State = Applied
			body, _ := json.Marshal(rep)
			res, err := tx.ExecContext(ctx, `UPDATE reorg_plans SET state = ?, report = ?, applied_at = ?, applied_by = ?
				WHERE id = ? AND state = ?`, Applied, string(body), s.cfg.Now().UnixMilli(), "system", id, Scheduled)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return problem.Conflict("reorg_not_revertible", id) // reverted or run meanwhile
			}
			return s.audit(ctx, tx, nil, "reorg_applied", rec.Plan, rep)
		})
		if err == nil {
			done++
			continue
		}
		var pe *problem.Error
		if !errors.As(err, &pe) {
			return done, err
		}
		s.cfg.Log.Error("reorg: scheduled plan failed", "plan", id, "err", err)
		if _, err := s.db.ExecContext(ctx, `UPDATE reorg_plans SET state = ?, error = ? WHERE id = ? AND state = ?`,
			Failed, err.Error(), id, Scheduled); err != nil {
			return done, err
		}
	}
	return done, nil
}

// List returns every stored plan, newest date first.
func (s *Service) List(ctx context.Context) ([]Record, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT id FROM reorg_plans ORDER BY effective DESC, id`)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(ids))
	for _, id := range ids {
		r, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Get returns the stored plan id (404 plan_not_found).
func (s *Service) Get(ctx context.Context, id string) (Record, error) {
	var r Record
	var eff, created int64
	var applied sql.NullInt64
	var body, report string
	err := s.db.QueryRowContext(ctx, `SELECT id, checksum, title, effective, state, body, report, created_at, applied_at, applied_by, error
		FROM reorg_plans WHERE id = ?`, id).Scan(&r.ID, &r.Checksum, &r.Title, &eff, &r.State, &body, &report, &created, &applied,
		&r.AppliedBy, &r.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, problem.NotFound("plan_not_found", id)
	}
	if err != nil {
		return Record{}, err
	}
	r.Effective, r.CreatedAt = time.UnixMilli(eff), time.UnixMilli(created)
	if applied.Valid {
		r.AppliedAt = time.UnixMilli(applied.Int64)
	}
	if err := json.Unmarshal([]byte(body), &r.Plan); err != nil {
		return Record{}, fmt.Errorf("reorg: plan %s: %w", id, err)
	}
	if report != "" {
		r.Report = new(Report)
		if err := json.Unmarshal([]byte(report), r.Report); err != nil {
			return Record{}, fmt.Errorf("reorg: report of %s: %w", id, err)
		}
	}
	return r, nil
}

// save records p in state; a plan stored before (reverted, failed) is
// replaced, since its content is the same (Apply checked the checksum).
func (s *Service) save(ctx context.Context, tx *store.Tx, p Plan, state string, rep *Report, actor *auth.Actor, errText string) error {
	at, _ := unit.Day(p.Effective)
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	report := ""
	var applied any
	if rep != nil {
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		report = string(b)
	}
	if state == Applied {
		applied = s.cfg.Now().UnixMilli()
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM reorg_plans WHERE id = ? AND state IN (?, ?)`, p.ID, Reverted, Failed); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO reorg_plans (id, checksum, title, effective, state, body, report, created_at, applied_at, applied_by, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Checksum(), p.Title, at.UnixMilli(), state, string(body), report,
		s.cfg.Now().UnixMilli(), applied, actorName(actor), errText)
	if store.IsUniqueViolation(err) {
		return problem.Conflict("plan_changed", p.ID) // stored meanwhile by another run
	}
	return err
}

func actorName(a *auth.Actor) string {
	if a == nil {
		return "cli"
	}
	return a.Username
}

// audit publishes the act for the audit log, in its transaction.
func (s *Service) audit(ctx context.Context, tx *store.Tx, actor *auth.Actor, action string, p Plan, rep Report) error {
	details, _ := json.Marshal(map[string]any{
		"effective": p.Effective, "units": len(rep.Units), "dossiers": len(rep.Dossiers),
		"roles": len(rep.Roles), "registers": len(rep.Registers),
	})
	e := event.Security{At: s.cfg.Now(), Action: action, Object: "reorg:" + p.ID, Details: string(details)}
	if actor != nil {
		e.ActorID, e.ActorName = actor.ID, actor.Username
	} else {
		e.ActorName = "cli"
	}
	return event.Publish(ctx, s.cfg.Bus, tx, e)
}

// authorise: the command line (nil actor) may do anything; an officer must
// administer every existing unit the plan names.
func (s *Service) authorise(ctx context.Context, actor *auth.Actor, p Plan) error {
	if actor == nil {
		return nil
	}
	for _, code := range p.codes() {
		if _, err := s.units.Managed(ctx, actor, code); err != nil {
			if errors.Is(err, problem.ErrNotFound) {
				continue // refused with its field by the dry run
			}
			return err
		}
	}
	if len(p.codes()) == 0 {
		return problem.Forbidden("unit_admin_only")
	}
	return nil
}

// refused is the report of a plan that was not carried out because of err.
func refused(p Plan, err error) Report {
	rep := Report{Plan: p.ID, Title: p.Title, Effective: p.Effective, State: Refused}
	var pe *problem.Error
	if errors.As(err, &pe) {
		rep.Refused = []Refusal{{Field: pe.Field, Code: pe.Code, Key: pe.MessageKey(), Params: pe.Params}}
	} else if err != nil {
		rep.Refused = []Refusal{{Code: "internal", Key: "err.internal"}}
	}
	return rep
}

// Run carries out due plans at once and then every `every` until ctx
// ends (motcua serve, hourly). Several instances may run it: a plan is
// carried out by whichever marks it applied first; the others' attempts
// roll back.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("reorg: running due plans", "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("reorg: plans carried out", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
