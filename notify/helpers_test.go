package notify_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/notify/smssim"
	"github.com/motcua/motcua/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is an outbox on a fresh database, an SMTP server and an SMS
// gateway simulator, all in this process, and a clock the test moves.
type fixture struct {
	t     *testing.T
	db    *store.DB
	svc   *notify.Service
	clock *clock
	smtp  *notifytest.SMTPServer
	sms   *smssim.Gateway
	smsAt string
}

const publicURL = "https://motcua.example.vn"

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)}
	svc, err := notify.New(db, nil, nil, notify.Config{PublicURL: publicURL, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	sim := smssim.New(nil)
	gw := httptest.NewServer(sim)
	t.Cleanup(gw.Close)
	return &fixture{t: t, db: db, svc: svc, clock: c, smtp: notifytest.NewSMTP(t), sms: sim, smsAt: gw.URL + "/sms"}
}

// worker is a fresh worker process (its own lease id) sending to the
// fixture's SMTP server and SMS gateway.
func (f *fixture) worker(id string, tune ...func(*notify.WorkerConfig)) *notify.Worker {
	f.t.Helper()
	mail, err := notify.NewSMTP(notify.SMTPConfig{Addr: f.smtp.Addr, From: "Một cửa Gia Lâm <motcua@gialam.example.vn>"})
	if err != nil {
		f.t.Fatal(err)
	}
	cfg := notify.WorkerConfig{ID: id, Now: f.clock.Now, Log: quiet}
	for _, fn := range tune {
		fn(&cfg)
	}
	return notify.NewWorker(f.db, f.svc, notify.Senders{Email: mail, SMS: notify.NewSMSGateway(f.smsAt, nil)}, cfg)
}

// applicant has no account: e-mail and SMS to what they gave.
var applicant = notify.Recipient{Name: "Nguyễn Văn An", Email: "an@example.vn", Phone: "0912345678"}

// send writes one notification in its own transaction, as a state change would.
func (f *fixture) send(key string, to notify.Recipient) {
	f.t.Helper()
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		return f.svc.Send(ctx, tx, notify.Notification{Kind: notify.Received, To: to, Key: key, Path: "/ho-so/000.04.07.H40-260302-0001",
			Data: notify.Data{Code: "000.04.07.H40-260302-0001", Procedure: "Chứng thực chữ ký", Unit: "UBND xã Gia Lâm"}})
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// outboxRow is what a test reads back of an outbox row.
type outboxRow struct {
	ID       int64
	Status   string
	Attempts int
	Next     time.Time
	LastErr  string
}

func (f *fixture) row(channel notify.Channel) outboxRow {
	f.t.Helper()
	var r outboxRow
	var next int64
	err := f.db.QueryRowContext(context.Background(), `SELECT id, status, attempts, next_attempt_at, last_error FROM notify_outbox
		WHERE channel = ? ORDER BY id DESC LIMIT 1`, string(channel)).Scan(&r.ID, &r.Status, &r.Attempts, &next, &r.LastErr)
	if err != nil {
		f.t.Fatal(err)
	}
	r.Next = time.UnixMilli(next)
	return r
}

func (f *fixture) count(where string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_outbox WHERE `+where, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// runOnce runs one claim-and-send round and fails the test on an error.
func runOnce(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
