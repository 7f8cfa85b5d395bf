package calendar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// StoreConfig tunes a Store.
type StoreConfig struct {
	// Now is the clock announcements are stamped with; nil means time.Now.
	Now func() time.Time
	// Log receives refresh failures; nil means slog.Default().
	Log *slog.Logger
	// Refresh is how often Run re-reads the stored announcements, which
	// another instance may have added. Zero means a minute.
	Refresh time.Duration
	// Bus carries event.Security for every announcement added or
	// withdrawn (the audit log listens); nil publishes nothing.
	Bus *event.Bus
	// Province judges who may announce (a *unit.Store): a day off moves
	// every unit's deadlines, so only the province's admins may
	// (auth.Announce). Without it Add and Withdraw refuse everyone.
	Province Province
}

// Province is what the calendar asks the unit tree (a *unit.Store).
type Province interface {
	// AtProvince answers "does a hold r at the province".
	AtProvince(ctx context.Context, a *auth.Actor, r auth.Right) error
	// Provinces lists the active provinces at the top of the tree.
	Provinces(ctx context.Context) ([]int64, error)
}

// Store keeps the announcements an admin added (table
// calendar_announcements) and the calendar in force built from them.
//
// Lookups (Current, Due, WorkingBetween, AddWorking) only read memory: they
// are called inside dossier write transactions, where a database read would
// hold the writer (SQLite) or could fail the action. The copy in memory is
// rebuilt when this instance adds or withdraws an announcement and by Run,
// which the caller starts (motcua serve does), for those changed by other
// instances.
type Store struct {
	db  *store.DB
	cfg StoreConfig
	cur atomic.Pointer[Calendar]
	// province is the province whose lateness rule cur counts with.
	province atomic.Int64
	// mu orders rebuilds: a slow periodic read must not overwrite the
	// calendar an Add installed after it.
	mu sync.Mutex
}

// NewStore reads the stored announcements and builds the calendar. It
// starts nothing in the background; see Run.
func NewStore(ctx context.Context, db *store.DB, cfg StoreConfig) (*Store, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = time.Minute
	}
	s := &Store{db: db, cfg: cfg}
	return s, s.Refresh(ctx)
}

// Refresh rebuilds the calendar from the stored announcements. On failure
// the calendar in force is kept and the error returned.
func (s *Store) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	province, err := s.served(ctx)
	if err != nil {
		return err
	}
	opts, err := options(ctx, s.db, province)
	if err != nil {
		return err
	}
	s.install(opts, province)
	return nil
}

func (s *Store) install(opts Options, province int64) {
	s.province.Store(province)
	s.cur.Store(New(opts))
}

// options reads what an admin stored: the announcements and the lateness
// rule of province.
func options(ctx context.Context, q store.Querier, province int64) (Options, error) {
	extra, err := announcements(ctx, q)
	if err != nil {
		return Options{}, err
	}
	eod, err := dueEndOfDay(ctx, q, province)
	return Options{Extra: extra, DueEndOfDay: eod}, err
}

// Run refreshes the calendar every StoreConfig.Refresh until ctx is done.
// A failed refresh is logged and the last good calendar stays in force:
// deadlines must not stop because the database hiccuped.
func (s *Store) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Log.Error("calendar refresh failed; keeping the last good calendar", "err", err)
			}
		}
	}
}

// Announcements lists the admin-added announcements, read from the database.
func (s *Store) Announcements(ctx context.Context) ([]Announcement, error) {
	return announcements(ctx, s.db)
}

func announcements(ctx context.Context, q store.Querier) ([]Announcement, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name, replaces FROM calendar_announcements ORDER BY day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Announcement{}
	for rows.Next() {
		var a Announcement
		if err := rows.Scan(&a.Date, &a.Kind, &a.Name, &a.Replaces); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Add stores an announcement made by a (replacing one on the same day)
// and puts the calendar it makes in force at once. The announcements are
// re-read inside the same transaction, so once Add returns the calendar
// includes it, and every deadline computed from then on counts with it.
func (s *Store) Add(ctx context.Context, a *auth.Actor, ann Announcement) error {
	if err := s.mayAnnounce(ctx, a); err != nil {
		return err
	}
	if err := ann.Validate(); err != nil {
		return problem.Invalid("announcement", "invalid_announcement", err.Error())
	}
	return s.change(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_announcements WHERE day = ?`, ann.Date); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_announcements (day, kind, name, replaces, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			ann.Date, ann.Kind, ann.Name, ann.Replaces, a.ID, s.cfg.Now().UnixMilli()); err != nil {
			return err
		}
		return s.publish(ctx, tx, a, "announcement_added", ann)
	})
}

// Withdraw removes the announcement of date (YYYY-MM-DD) and puts the
// calendar without it in force at once, as Add does: the statutory rules
// and the other announcements decide that day again. An unknown date is
// ErrNotFound.
func (s *Store) Withdraw(ctx context.Context, a *auth.Actor, date string) error {
	if err := s.mayAnnounce(ctx, a); err != nil {
		return err
	}
	if _, err := time.ParseInLocation(time.DateOnly, date, Zone); err != nil {
		return problem.Invalid("date", "invalid_date", date)
	}
	return s.change(ctx, func(tx *store.Tx) error {
		var ann Announcement
		err := tx.QueryRowContext(ctx, `SELECT day, kind, name, replaces FROM calendar_announcements WHERE day = ?`, date).
			Scan(&ann.Date, &ann.Kind, &ann.Name, &ann.Replaces)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFound("announcement_not_found", date)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_announcements WHERE day = ?`, date); err != nil {
			return err
		}
		return s.publish(ctx, tx, a, "announcement_withdrawn", ann)
	})
}

func (s *Store) mayAnnounce(ctx context.Context, a *auth.Actor) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	if s.cfg.Province == nil {
		return problem.Forbidden("province_admin_only")
	}
	return s.cfg.Province.AtProvince(ctx, a, auth.Announce)
}

// change runs write in a transaction that then re-reads every
// announcement, and installs the calendar they make once it commits.
func (s *Store) change(ctx context.Context, write func(tx *store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Asked before the transaction: the unit tree reads on its own
	// connection, which SQLite's single writer would otherwise wait on.
	province, err := s.served(ctx)
	if err != nil {
		return err
	}
	var opts Options
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		var err error
		opts, err = options(ctx, tx, province)
		return err
	})
	if err != nil {
		return err
	}
	s.install(opts, province)
	return nil
}

func (s *Store) publish(ctx context.Context, tx *store.Tx, a *auth.Actor, action string, ann Announcement) error {
	details, err := json.Marshal(ann)
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
		ActorRole: auth.Admin, Action: action, Object: "announcement:" + ann.Date, Details: string(details)})
}

// Current returns the calendar in force. It never touches the database.
func (s *Store) Current() *Calendar { return s.cur.Load() }

// Due is Current().Due: the statutory deadline of a dossier received at received.
func (s *Store) Due(received time.Time, unit string, value int) (time.Time, error) {
	return s.Current().Due(received, unit, value)
}

// WorkingBetween is Current().WorkingBetween.
func (s *Store) WorkingBetween(a, b time.Time) time.Duration {
	return s.Current().WorkingBetween(a, b)
}

// Judge is Current().Judge: early, on time or late, by the rule in force.
func (s *Store) Judge(due, finish time.Time) Timeliness { return s.Current().Judge(due, finish) }

// LateBefore is Current().LateBefore.
func (s *Store) LateBefore(now time.Time) time.Time { return s.Current().LateBefore(now) }

// AddWorking is Current().AddWorking.
func (s *Store) AddWorking(start time.Time, d time.Duration) time.Time {
	return s.Current().AddWorking(start, d)
}
