package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
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
	dossierID int64 // 0: about no dossier
	key       string
}

// insert writes rs, each unless a row with its dedupe key exists, in one
// statement: it runs in the caller's write transaction, and on SQLite
// every statement there holds the one writer all submissions queue for
// (issue 15). ON CONFLICT DO NOTHING (both engines) rather than catching
// the unique violation, which on PostgreSQL would abort the caller's whole
// transaction.
func insert(ctx context.Context, tx *store.Tx, rs []row, now time.Time) error {
	if len(rs) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO notify_outbox (kind, channel, user_id, recipient, lang, subject, body, link,
		dossier_id, dedupe_key, status, next_attempt_at, created_at, sent_at) VALUES `)
	args := make([]any, 0, 14*len(rs))
	for i, r := range rs {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		status, sentAt := statusPending, any(nil)
		if r.channel == InApp {
			status, sentAt = statusSent, now.UnixMilli() // the row is the notice
		}
		var uid, did any
		if r.userID != 0 {
			uid = r.userID
		}
		if r.dossierID != 0 {
			did = r.dossierID
		}
		args = append(args, string(r.kind), string(r.channel), uid, r.recipient, r.lang, r.subject, r.body, r.link,
			did, r.key, status, now.UnixMilli(), now.UnixMilli(), sentAt)
	}
	q.WriteString(` ON CONFLICT (dedupe_key) DO NOTHING`)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
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
	c, err := auth.ContactOf(ctx, q, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, problem.NotFound("user_not_found")
	}
	if err != nil {
		return account{}, err
	}
	a := account{name: c.Name, email: c.Email, phone: c.Phone, disabled: c.Disabled, prefs: DefaultPrefs}
	var email, sms int64
	var lang string
	err = q.QueryRowContext(ctx, `SELECT email, sms, lang FROM notify_prefs WHERE user_id = ?`, userID).Scan(&email, &sms, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return a, err
	}
	a.prefs = Prefs{Email: email != 0, SMS: sms != 0, Lang: lang}
	return a, nil
}

// Prefs returns the account's choices (the defaults if it never chose).
func (s *Service) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	a, err := accountOf(ctx, s.db, userID)
	return a.prefs, err
}

// SetPrefs records the account's choices; turning e-mail or SMS on or off
// gives or withdraws that channel's consent (notify_consents).
func (s *Service) SetPrefs(ctx context.Context, userID int64, p Prefs) error {
	if p.Lang != "vi" && p.Lang != "en" {
		return problem.Invalid("lang", "invalid_lang")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		was, err := accountOf(ctx, tx, userID)
		if err != nil {
			return err
		}
		return s.savePrefs(ctx, tx, userID, was.prefs, p)
	})
}

func (s *Service) savePrefs(ctx context.Context, tx *store.Tx, userID int64, was, p Prefs) error {
	now := s.cfg.Now().UnixMilli()
	if _, err := tx.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, email, sms, lang, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, sms = excluded.sms, lang = excluded.lang, updated_at = excluded.updated_at`,
		userID, b2i(p.Email), b2i(p.SMS), p.Lang, now); err != nil {
		return err
	}
	return recordConsents(ctx, tx, userID, was, p, now)
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
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, subject, body, link, COALESCE(dossier_id, 0), created_at, read_at
		FROM notify_outbox WHERE user_id = ? AND channel = 'inapp' ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notice
	var ids []int64 // dossier_id of each notice, 0 for none
	unread := 0
	for rows.Next() {
		var n Notice
		var at, did int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Kind, &n.Subject, &n.Text, &n.Link, &did, &at, &read); err != nil {
			return nil, 0, err
		}
		n.At, n.Unread = fromMs(at), !read.Valid
		if n.Unread {
			unread++
		}
		out = append(out, n)
		ids = append(ids, did)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	refs, err := dossier.Refs(ctx, s.db, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Dossier = refs[ids[i]].Code
	}
	return out, unread, nil
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
	mine := map[int64]bool{}
	for _, id := range unitIDs {
		mine[id] = true
	}
	// Failed rows are few (an operator clears them), so they are read
	// newest first and kept if their dossier was received by one of the
	// units: which unit received a dossier is the dossier module's to say.
	var out []Failure
	before := int64(math.MaxInt64)
	for len(out) < limit {
		page, ids, last, err := s.failed(ctx, before, 200)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		refs, err := dossier.Refs(ctx, s.db, ids)
		if err != nil {
			return nil, err
		}
		for i, f := range page {
			if r, ok := refs[ids[i]]; ok && mine[r.ReceivingUnitID] && len(out) < limit {
				f.Dossier = r.Code
				out = append(out, f)
			}
		}
		before = last
	}
	return out, nil
}

// failed returns up to n failed rows about a dossier with id below before,
// newest first, with each row's dossier id and the smallest row id read.
func (s *Service) failed(ctx context.Context, before int64, n int) ([]Failure, []int64, int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, channel, recipient, dossier_id, attempts, last_error, created_at
		FROM notify_outbox WHERE status = 'failed' AND dossier_id IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?`, before, n)
	if err != nil {
		return nil, nil, 0, err
	}
	defer rows.Close()
	var out []Failure
	var ids []int64
	last := before
	for rows.Next() {
		var f Failure
		var at, did int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.Channel, &f.Recipient, &did, &f.Attempts, &f.LastError, &at); err != nil {
			return nil, nil, 0, err
		}
		f.At = fromMs(at)
		out = append(out, f)
		ids = append(ids, did)
		last = f.ID
	}
	return out, ids, last, rows.Err()
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
