package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Calendar is the working-day calendar in force: the statutory rules, the
// shipped official announcements and those an admin added (stored in the
// database). Another instance may add an announcement, so the stored ones
// are re-read when the copy in memory is older than refresh.
type Calendar struct {
	db      *store.DB
	now     func() time.Time
	cur     atomic.Pointer[calendar.Calendar]
	loaded  atomic.Int64 // Unix ms of the last load
	reload  sync.Mutex
	refresh time.Duration
}

// NewCalendar loads the admin announcements and builds the calendar.
func NewCalendar(ctx context.Context, db *store.DB, now func() time.Time) (*Calendar, error) {
	c := &Calendar{db: db, now: now, refresh: time.Minute}
	return c, c.Reload(ctx)
}

// Reload rebuilds the calendar from the stored announcements.
func (c *Calendar) Reload(ctx context.Context) error {
	c.reload.Lock()
	defer c.reload.Unlock()
	extra, err := c.Announcements(ctx)
	if err != nil {
		return err
	}
	c.cur.Store(calendar.New(calendar.Options{Extra: extra}))
	c.loaded.Store(time.Now().UnixMilli())
	return nil
}

// Announcements lists the admin-added announcements.
func (c *Calendar) Announcements(ctx context.Context) ([]calendar.Announcement, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT day, kind, name, replaces FROM calendar_announcements ORDER BY day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []calendar.Announcement{}
	for rows.Next() {
		var a calendar.Announcement
		if err := rows.Scan(&a.Date, &a.Kind, &a.Name, &a.Replaces); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Add stores an announcement (replacing one on the same day) and reloads.
func (c *Calendar) Add(ctx context.Context, a calendar.Announcement, by int64) error {
	if err := a.Validate(); err != nil {
		return problem.Invalid("announcement", "invalid_announcement", "Thông báo lịch nghỉ không hợp lệ: "+err.Error())
	}
	err := c.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_announcements WHERE day = ?`, a.Date); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_announcements (day, kind, name, replaces, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			a.Date, a.Kind, a.Name, a.Replaces, by, c.now().UnixMilli())
		return err
	})
	if err != nil {
		return err
	}
	return c.Reload(ctx)
}

// Current returns the calendar in force, re-reading the stored
// announcements when the copy in memory is stale. A failed re-read keeps
// the last good calendar: deadlines must not stop because of it.
func (c *Calendar) Current() *calendar.Calendar {
	if time.Since(time.UnixMilli(c.loaded.Load())) > c.refresh {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = c.Reload(ctx)
	}
	return c.cur.Load()
}

func (c *Calendar) Due(received time.Time, unit string, value int) (time.Time, error) {
	return c.Current().Due(received, unit, value)
}

func (c *Calendar) WorkingBetween(a, b time.Time) time.Duration {
	return c.Current().WorkingBetween(a, b)
}

func (c *Calendar) AddWorking(start time.Time, d time.Duration) time.Time {
	return c.Current().AddWorking(start, d)
}
