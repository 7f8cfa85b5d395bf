package dossier

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/throttle"
)

// Tracking is what anyone holding a dossier code and its second factor
// (TrackProof) may see: no personal data beyond a masked name, no
// officers' notes.
type Tracking struct {
	Code          string       `json:"code"`
	Procedure     string       `json:"procedure"`
	ProcedureName string       `json:"procedure_name"`
	Applicant     string       `json:"applicant"`
	Unit          string       `json:"unit"`
	Status        State        `json:"status"`
	StatusName    string       `json:"status_name"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	ReceivedAt    *time.Time   `json:"received_at,omitempty"`
	DueAt         *time.Time   `json:"due_at,omitempty"`
	ResultAt      *time.Time   `json:"result_at,omitempty"`
	DeliveredAt   *time.Time   `json:"delivered_at,omitempty"`
	Paused        bool         `json:"paused"`
	Overdue       bool         `json:"overdue"`
	Steps         []TrackEvent `json:"steps"`
	// Supplement is the open supplement request: what to bring, why, and
	// by when (the applicant reads it on Mẫu 02 too).
	Supplement *SupplementRequest `json:"supplement,omitempty"`
	// Pauses are the periods the clock did not count, with the note the
	// officer wrote for the applicant when each began (regulations §8).
	Pauses []TrackPause `json:"pauses"`
}

// TrackPause is one clock pause as the applicant sees it.
type TrackPause struct {
	Kind     string     `json:"kind"`
	KindName string     `json:"kind_name"`
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end,omitempty"`
	Note     string     `json:"note,omitempty"`
}

// TrackEvent is one public step of the history.
type TrackEvent struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Name   string    `json:"name"`
	Status string    `json:"status"`
	Unit   string    `json:"unit,omitempty"`
	// As names the action as taken (Action.In), "" when it is Action.
	As string `json:"-"`
}

// Key is the message key naming the step's action as taken (Event.Key).
func (e TrackEvent) Key() string {
	if e.As != "" {
		return "action." + e.As
	}
	return "action." + e.Action
}

// TrackProof is the second factor of public tracking. Codes are
// sequential per unit and day (the law prints them so), so a code alone
// would let anyone walk a unit's day; one of these must come with it.
type TrackProof struct {
	// Token is the dossier's tracking token, which the QR code on its
	// forms and receipt carries (TrackPath).
	Token string
	// PhoneLast4 are the last four digits of the applicant's phone
	// number, as printed on the receipt.
	PhoneLast4 string
}

// TrackPath is the public tracking page of d with its token: the link the
// QR code on every form and receipt of the dossier carries.
func (d *Dossier) TrackPath() string {
	return "/tra-cuu?ma=" + url.QueryEscape(d.Code) + "&t=" + url.QueryEscape(d.TrackToken)
}

// Default tracking limits. By address: a citizen checks a few dossiers,
// a commune office behind one address a few dozen an hour. By code: the
// phone digits have 10,000 values, so ten wrong ones an hour per code
// keep guessing them out of reach even from many addresses; the QR token
// is not limited by code, so its holder is never locked out.
var (
	defaultTrackLimit      = throttle.Config{Burst: 30, Per: 20 * time.Second}
	defaultTrackDigitLimit = throttle.Config{Burst: 10, Per: 6 * time.Minute}
)

// tracker holds the limiters of public tracking.
type tracker struct {
	byAddress, byCode *throttle.Limiter
	digitPer          time.Duration
}

// initTrack builds the tracking limiters, with the defaults where Config
// leaves them zero.
func (s *Service) initTrack() {
	addr, digit := s.cfg.TrackLimit, s.cfg.TrackDigitLimit
	if addr.Burst == 0 {
		addr = defaultTrackLimit
	}
	if digit.Burst == 0 {
		digit = defaultTrackDigitLimit
	}
	if addr.Now == nil {
		addr.Now = s.cfg.Now
	}
	if digit.Now == nil {
		digit.Now = s.cfg.Now
	}
	s.track = tracker{byAddress: throttle.New(addr), byCode: throttle.New(digit), digitPer: digit.Per}
}

// errTrack is every failed lookup: no such code, no second factor, or a
// wrong one. One answer for all, so the answer never tells whether a
// code exists.
var errTrack = problem.NotFound("dossier_not_found.track")

func errTrackThrottled(wait time.Duration) error {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return problem.WithRetry(problem.New(problem.ErrTooMany, "track_throttled", max(1, minutes)), wait)
}

// Track returns the public view of the dossier with code, given its
// second factor. Every lookup takes a token of the client address's
// bucket (clientip.From(ctx)); wrong phone digits also take one of the
// code's, whether or not the code exists. A missing, unknown or wrong
// anything is the same ErrNotFound; a throttled lookup is ErrTooMany
// with a wait for Retry-After (problem.RetryAfter).
func (s *Service) Track(ctx context.Context, code string, proof TrackProof) (*Tracking, error) {
	if ok, wait := s.track.byAddress.Allow(clientip.String(ctx)); !ok {
		return nil, errTrackThrottled(wait)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	token, digits := strings.TrimSpace(proof.Token), strings.ReplaceAll(strings.TrimSpace(proof.PhoneLast4), " ", "")
	if code == "" || token == "" && digits == "" {
		return nil, errTrack
	}
	// Public tracking tolerates lag: it reads the replica, if any, unless
	// this caller's own last write is not there yet (store.WithSession).
	q := s.db.Replica(ctx)
	d, err := scanDossier(q.QueryRowContext(ctx, selectDossierNoForm+` WHERE d.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		d, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if d != nil && tokenMatches(d, token) {
		return s.tracking(ctx, q, d)
	}
	if digits == "" {
		return nil, errTrack // a token is never guessed: not counted by code
	}
	if !s.track.byCode.Peek(code) {
		// A token of the code's bucket is back after digitPer at the latest.
		return nil, errTrackThrottled(s.track.digitPer)
	}
	if d != nil && phoneMatches(d.Applicant.Phone, digits) {
		return s.tracking(ctx, q, d)
	}
	s.track.byCode.Allow(code)
	return nil, errTrack
}

// everPaused tells a history with an event that stops the clock (the only
// ones that write dossier_pauses: pauseClock, and a supplement request
// during processing): most dossiers never paused, and tracking skips the
// query.
func everPaused(hist []Event) bool {
	for _, e := range hist {
		if e.Action == PauseClock || e.Action == RequestSupplement && e.From == Processing {
			return true
		}
	}
	return false
}

func tokenMatches(d *Dossier, token string) bool {
	return token != "" && d.TrackToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(d.TrackToken)) == 1
}

// phoneMatches: exactly four digits, equal to the end of the phone number
// (stored normalised: "0912345678" or "+84912345678"). No phone, no match.
func phoneMatches(phone, digits string) bool {
	if len(digits) != 4 || strings.Trim(digits, "0123456789") != "" || len(phone) < 4 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(phone[len(phone)-4:]), []byte(digits)) == 1
}

func (s *Service) tracking(ctx context.Context, q store.Querier, d *Dossier) (*Tracking, error) {
	// Only what tracking shows: decorate would also read the assignee's
	// and the filer's names and the partner agencies awaited. The unit's
	// name comes with the history's other units (history reads it when
	// d.UnitName is empty).
	d.UnitName = ""
	hist, err := s.history(ctx, q, d)
	if err != nil {
		return nil, err
	}
	p, err := s.catalog.Version(ctx, q, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	d.ProcedureName, d.Overdue = p.Name, s.isOverdue(d, s.cfg.Now())
	t := &Tracking{
		Code: d.Code, Procedure: d.Procedure, ProcedureName: d.ProcedureName,
		Applicant: MaskName(d.Applicant.Name), Unit: d.UnitName,
		Status: d.Status, StatusName: d.StatusName, SubmittedAt: d.SubmittedAt,
		ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, ResultAt: d.ResultAt, DeliveredAt: d.DeliveredAt,
		Paused: d.PausedAt != nil, Overdue: d.Overdue, Steps: make([]TrackEvent, 0, len(hist)),
	}
	d.History = hist
	t.Supplement = d.OpenRequest()
	for _, e := range hist {
		name := e.ActionName
		if e.Action == Transfer {
			// Phi địa giới: the applicant reads where their dossier went.
			name = "Đã chuyển đến " + e.Unit
		}
		t.Steps = append(t.Steps, TrackEvent{At: e.At, Action: string(e.Action), Name: name, Status: e.To.Name(), Unit: e.Unit, As: e.Action.In(e.From)})
	}
	var ps []Pause
	if everPaused(hist) {
		if ps, err = s.pauses(ctx, q, d); err != nil {
			return nil, err
		}
	}
	t.Pauses = make([]TrackPause, 0, len(ps))
	for _, p := range ps {
		t.Pauses = append(t.Pauses, TrackPause{Kind: p.Kind, KindName: p.KindName, Start: p.Start, End: p.End, Note: p.Reason})
	}
	return t, nil
}

// newTrackToken is a new dossier's tracking token: 128 random bits as 32
// hex digits, the same form migration 003 gives older dossiers.
func newTrackToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// MaskName keeps the family name and the initials of the rest:
// "Nguyễn Văn An" → "Nguyễn V. A.".
func MaskName(name string) string {
	parts := strings.Fields(name)
	if len(parts) == 0 {
		return ""
	}
	if len(parts) == 1 {
		r, _ := utf8.DecodeRuneInString(parts[0])
		return string(r) + "***"
	}
	out := []string{parts[0]}
	for _, p := range parts[1:] {
		r, _ := utf8.DecodeRuneInString(p)
		out = append(out, string(r)+".")
	}
	return strings.Join(out, " ")
}
