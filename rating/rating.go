// Package rating owns citizens' ratings of how their dossier was handled
// (đánh giá mức độ hài lòng): one rating per delivered dossier, by its
// applicant. It owns the table ratings; the tallies per unit, procedure
// and officer that reports are built from are package report's.
package rating

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Scores, best first.
const (
	VerySatisfied = "very_satisfied" // Rất hài lòng
	Satisfied     = "satisfied"      // Hài lòng
	NotSatisfied  = "not_satisfied"  // Không hài lòng
)

// Scores lists the valid scores in display order.
var Scores = []string{VerySatisfied, Satisfied, NotSatisfied}

// MaxComment is the longest comment, in characters.
const MaxComment = 1000

// Rating is one dossier's rating.
type Rating struct {
	Dossier   string    `json:"dossier"`
	Score     string    `json:"score"`
	Comment   string    `json:"comment,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Service records and tallies ratings.
type Service struct {
	db       *store.DB
	dossiers *dossier.Service
	now      func() time.Time
}

// NewService returns a Service; now is the clock (nil: time.Now).
func NewService(db *store.DB, ds *dossier.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, dossiers: ds, now: now}
}

// ValidScore reports whether s is one of Scores.
func ValidScore(s string) bool {
	for _, x := range Scores {
		if x == s {
			return true
		}
	}
	return false
}

// Rate records the applicant's rating of a delivered dossier. Only the
// citizen who owns the dossier may rate it (anyone else does not see it,
// or is refused), only once it is delivered, and only once.
func (s *Service) Rate(ctx context.Context, a *auth.Actor, code, score, comment string) (*Rating, error) {
	if a == nil {
		return nil, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	// Get shows a citizen only their own dossiers, so for a citizen a
	// dossier found is a dossier owned.
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if !a.IsCitizen() {
		return nil, problem.New(problem.ErrForbidden, "rating_not_permitted")
	}
	if d.Status != dossier.Delivered {
		return nil, problem.New(problem.ErrState, "rating_not_open")
	}
	id, err := dossier.IDOf(ctx, s.db, d.Code)
	if err != nil {
		return nil, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE dossier_id = ?`, id).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errRated
	}
	if !ValidScore(score) {
		return nil, problem.Invalid("score", "invalid_score")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxComment {
		return nil, problem.Invalid("comment", "comment_too_long")
	}
	r := &Rating{Dossier: d.Code, Score: score, Comment: comment, CreatedAt: s.now().In(calendar.Zone)}
	_, err = s.db.ExecContext(ctx, `INSERT INTO ratings (dossier_id, user_id, score, comment, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, a.ID, r.Score, r.Comment, r.CreatedAt.UnixMilli())
	if store.IsUniqueViolation(err) {
		return nil, errRated // a concurrent rating of the same dossier won
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

var errRated = problem.Conflict("already_rated")

var errNoRating = problem.NotFound("rating_not_found")

// Get returns a dossier's rating, if a may see the dossier and it was rated.
func (s *Service) Get(ctx context.Context, a *auth.Actor, code string) (*Rating, error) {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	id, err := dossier.IDOf(ctx, s.db, d.Code)
	if err != nil {
		return nil, err
	}
	r := &Rating{Dossier: d.Code}
	var at int64
	err = s.db.QueryRowContext(ctx, `SELECT score, comment, created_at FROM ratings WHERE dossier_id = ?`, id).
		Scan(&r.Score, &r.Comment, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoRating
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt = time.UnixMilli(at).In(calendar.Zone)
	return r, nil
}

// RatedBy returns the codes of the dossiers a has rated.
func (s *Service) RatedBy(ctx context.Context, a *auth.Actor) (map[string]bool, error) {
	out := map[string]bool{}
	if a == nil {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT dossier_id FROM ratings WHERE user_id = ?`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refs, err := dossier.Refs(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		out[r.Code] = true
	}
	return out, nil
}
