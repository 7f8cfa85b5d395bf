package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Outbox row statuses.
const (
	statusPending = "pending"
	statusSending = "sending"
	statusSent    = "sent"
	statusFailed  = "failed"
)

// row is one outbox row as Send writes it.
type row struct {
	kind      Kind
	channel   Channel
	userID    int64
	recipient string
	lang      string
	subject   string
	body      string
	link      string
	dossier   string
	key       string
}

// insert writes r unless a row with its dedupe key exists. ON CONFLICT DO
// NOTHING (both engines) rather than catching the unique violation, which
// on PostgreSQL would abort the caller's whole transaction.
func insert(ctx context.Context, tx *store.Tx, r row, now time.Time) error {
	status, sentAt := statusPending, any(nil)
	if r.channel == InApp {
		status, sentAt = statusSent, now.UnixMilli() // the row is the notice
	}
	var uid any
	if r.userID != 0 {
		uid = r.userID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_outbox (kind, channel, user_id, recipient, lang, subject, body, link,
		dossier_id, dedupe_key, status, next_attempt_at, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM dossiers WHERE code = ?), ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		string(r.kind), string(r.channel), uid, r.recipient, r.lang, r.subject, r.body, r.link,
		r.dossier, r.key, status, now.UnixMilli(), now.UnixMilli(), sentAt)
	if err != nil {
		return fmt.Errorf("notify: write outbox: %w", err)
	}
	return nil
}

// Prefs is what an account chose.
type Prefs struct {
	Email bool   // e-mail on (default)
	SMS   bool   // SMS on (default off)
	Lang  string // "vi" (default) or "en"
}

// DefaultPrefs apply to an account that never chose.
var DefaultPrefs = Prefs{Email: true, Lang: "vi"}

type account struct {
	name, email, phone string
	disabled           bool
	prefs              Prefs
}

func accountOf(ctx context.Context, q store.Querier, userID int64) (account, error) {
	var a account
	var disabled int64
	var email, sms sql.NullInt64
	var lang sql.NullString
	err := q.QueryRowContext(ctx, `SELECT u.full_name, u.email, u.phone, u.disabled, p.email, p.sms, p.lang
		FROM users u LEFT JOIN notify_prefs p ON p.user_id = u.id WHERE u.id = ?`, userID).
		Scan(&a.name, &a.email, &a.phone, &disabled, &email, &sms, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.NotFound("user_not_found")
	}
	if err != nil {
		return a, err
	}
	a.disabled = disabled != 0
	a.prefs = DefaultPrefs
	if lang.Valid {
		a.prefs = Prefs{Email: email.Int64 != 0, SMS: sms.Int64 != 0, Lang: lang.String}
	}
	return a, nil
}

// Prefs returns the account's choices (the defaults if it never chose).
func (s *Service) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	a, err := accountOf(ctx, s.db, userID)
	return a.prefs, err
}

// SetPrefs records the account's choices.
func (s *Service) SetPrefs(ctx context.Context, userID int64, p Prefs) error {
	if p.Lang != "vi" && p.Lang != "en" {
		return problem.Invalid("lang", "invalid_lang")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, email, sms, lang, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, sms = excluded.sms, lang = excluded.lang, updated_at = excluded.updated_at`,
		userID, b2i(p.Email), b2i(p.SMS), p.Lang, s.cfg.Now().UnixMilli())
	return err
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Notice is an in-app notice.
type Notice struct {
	ID      int64
	Kind    Kind
	Subject string
	Text    string
	Link    string
	Dossier string
	At      time.Time
	Unread  bool
}

// Notices lists the account's in-app notices, newest first, and counts
// those not yet read.
func (s *Service) Notices(ctx context.Context, userID int64, limit int) ([]Notice, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.kind, o.subject, o.body, o.link, COALESCE(d.code, ''), o.created_at, o.read_at
		FROM notify_outbox o LEFT JOIN dossiers d ON d.id = o.dossier_id
		WHERE o.user_id = ? AND o.channel = 'inapp' ORDER BY o.id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notice
	unread := 0
	for rows.Next() {
		var n Notice
		var at int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Kind, &n.Subject, &n.Text, &n.Link, &n.Dossier, &at, &read); err != nil {
			return nil, 0, err
		}
		n.At, n.Unread = fromMs(at), !read.Valid
		if n.Unread {
			unread++
		}
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// MarkRead marks every in-app notice of the account read.
func (s *Service) MarkRead(ctx context.Context, userID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE notify_outbox SET read_at = ? WHERE user_id = ? AND channel = 'inapp' AND read_at IS NULL`,
		s.cfg.Now().UnixMilli(), userID)
	return err
}

// Failure is an e-mail or SMS that could not be delivered.
type Failure struct {
	ID        int64
	Kind      Kind
	Channel   Channel
	Recipient string
	Dossier   string
	Attempts  int
	LastError string
	At        time.Time
}

// Failures lists the undelivered messages about dossiers received by the
// given units (a unit admin's), newest first.
func (s *Service) Failures(ctx context.Context, unitIDs []int64, limit int) ([]Failure, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := []any{}
	in := ""
	for i, id := range unitIDs {
		if i > 0 {
			in += ", "
		}
		in += "?"
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.kind, o.channel, o.recipient, d.code, o.attempts, o.last_error, o.created_at
		FROM notify_outbox o JOIN dossiers d ON d.id = o.dossier_id
		WHERE o.status = 'failed' AND d.receiving_unit_id IN (`+in+`) ORDER BY o.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		var at int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.Channel, &f.Recipient, &f.Dossier, &f.Attempts, &f.LastError, &at); err != nil {
			return nil, err
		}
		f.At = fromMs(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Count is how many outbox rows a channel has in a status.
type Count struct {
	Channel, Status string
	N               int64
}

// Counts tallies the outbox by channel and status (for /metrics: failed
// and long-pending rows are what an operator must see).
func (s *Service) Counts(ctx context.Context) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM notify_outbox GROUP BY channel, status ORDER BY channel, status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Channel, &c.Status, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
