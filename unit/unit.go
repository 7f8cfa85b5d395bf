// Package unit owns administrative units (đơn vị hành chính): the tree of
// province, district and commune bodies with their 13-character electronic
// agency codes (Decision 20/2020/QĐ-TTg), their departments, and the
// history of renames and mergers so that old codes keep resolving.
package unit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Levels, from the top. Since 07/2025 the district level is gone for new
// units, but the 2022 world and historical dossiers still use it.
const (
	Province = "province"
	District = "district"
	Commune  = "commune"
)

// Rank orders levels: a smaller rank is higher in the hierarchy.
func Rank(level string) int {
	switch level {
	case Province:
		return 1
	case District:
		return 2
	case Commune:
		return 3
	}
	return 0
}

// LevelName is the Vietnamese name of a level.
func LevelName(level string) string {
	switch level {
	case Province:
		return "Cấp tỉnh"
	case District:
		return "Cấp huyện"
	case Commune:
		return "Cấp xã"
	}
	return level
}

// Unit is one administrative unit.
type Unit struct {
	ID         int64  `json:"-"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	ShortName  string `json:"short_name,omitempty"`
	Level      string `json:"level"`
	ParentID   int64  `json:"-"`
	ParentCode string `json:"parent,omitempty"`
	// MergedInto is the code of the unit this one was merged into, if any,
	// or of the successor named when it was abolished.
	MergedInto string `json:"merged_into,omitempty"`
	Active     bool   `json:"active"`
	// Kind is what sort of body the unit is (Kinds); a People's Committee
	// when unset.
	Kind string `json:"kind"`
	// StatCode is the statistical code of an administrative unit (Decision
	// 19/2025/QĐ-TTg), empty for bodies that are not one.
	StatCode string `json:"stat_code,omitempty"`
	// ValidFrom is the first instant the unit is in force (zero: since
	// before motcua knew it); ValidTo the first instant it no longer is
	// (zero while in force).
	ValidFrom time.Time `json:"valid_from,omitzero"`
	ValidTo   time.Time `json:"valid_to,omitzero"`
}

// Department is a specialised office inside a unit.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

var codeRE = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)

// ValidCode reports whether s is a 13-character agency code A1A2A3.B1B2.C1C2.D1D2D3.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

// Store reads and writes units.
type Store struct {
	db  *store.DB
	now func() time.Time
	cfg Config
}

// Config connects a Store to the modules whose rows belong to a unit.
type Config struct {
	// Now dates the history (nil means time.Now).
	Now func() time.Time
	// Bus carries Merged to the modules whose rows follow a merged unit
	// (open dossiers, officers' roles); nil moves nothing but units.
	Bus *event.Bus
	// OpenDossiers counts the open dossiers at a unit, for the merge plan
	// (dossier.OpenAt: unit cannot import dossier, which imports unit);
	// nil counts none.
	OpenDossiers func(ctx context.Context, q store.Querier, unitID int64) (int, error)
}

// NewStore returns a Store on db whose history is dated by now (nil means
// time.Now), with no listeners: for tools and tests that never merge
// units. The application uses New.
func NewStore(db *store.DB, now func() time.Time) *Store { return New(db, Config{Now: now}) }

// New returns a Store on db connected as cfg says.
func New(db *store.DB, cfg Config) *Store {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{db: db, now: cfg.Now, cfg: cfg}
}

const unitColumns = `u.id, u.code, u.name, u.short_name, u.level, COALESCE(u.parent_id, 0),
	COALESCE(p.code, ''), COALESCE(m.code, ''), u.active, u.kind, u.stat_code, u.valid_from, COALESCE(u.valid_to, 0)`

const selectUnit = `SELECT ` + unitColumns + `
	FROM units u LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN units m ON m.id = u.merged_into`

func scanUnit(sc interface{ Scan(...any) error }, extra ...any) (Unit, error) {
	var u Unit
	var active, from, to int64
	err := sc.Scan(append([]any{&u.ID, &u.Code, &u.Name, &u.ShortName, &u.Level, &u.ParentID, &u.ParentCode,
		&u.MergedInto, &active, &u.Kind, &u.StatCode, &from, &to}, extra...)...)
	u.Active = active == 1
	u.ValidFrom, u.ValidTo = msTime(from), msTime(to)
	return u, err
}

// msTime is the instant of Unix milliseconds ms, zero for 0.
func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// msOf is t in Unix milliseconds, 0 for the zero time.
func msOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Create inserts a unit under parentCode ("" for a root) and opens its history.
func (s *Store) Create(ctx context.Context, tx *store.Tx, u Unit, parentCode string) (Unit, error) {
	if !ValidCode(u.Code) {
		return Unit{}, problem.Invalid("code", "invalid_unit_code")
	}
	if Rank(u.Level) == 0 {
		return Unit{}, problem.Invalid("level", "invalid_level")
	}
	if u.Kind == "" {
		u.Kind = Committee
	}
	if !ValidKind(u.Kind) {
		return Unit{}, problem.Invalid("kind", "invalid_unit_kind")
	}
	if u.StatCode != "" && !statCodeRE.MatchString(u.StatCode) {
		return Unit{}, problem.Invalid("stat_code", "invalid_stat_code")
	}
	var parent sql.NullInt64
	if parentCode != "" {
		p, err := s.byCode(ctx, tx, parentCode)
		if err != nil {
			return Unit{}, err
		}
		parent = sql.NullInt64{Int64: p.ID, Valid: true}
		u.ParentID, u.ParentCode = p.ID, p.Code
	}
	now := s.now().UnixMilli()
	err := tx.QueryRowContext(ctx, `INSERT INTO units (code, name, short_name, level, parent_id, created_at, kind, stat_code, valid_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Code, u.Name, u.ShortName, u.Level, parent, now,
		u.Kind, u.StatCode, msOf(u.ValidFrom)).Scan(&u.ID)
	if store.IsUniqueViolation(err) {
		return Unit{}, problem.Conflict("unit_exists")
	}
	if err != nil {
		return Unit{}, fmt.Errorf("unit: create %s: %w", u.Code, err)
	}
	u.Active = true
	return u, s.open(ctx, tx, u.ID, msOf(u.ValidFrom), "created")
}

// AddDepartment adds a department to a unit.
func (s *Store) AddDepartment(ctx context.Context, tx *store.Tx, unitID int64, d Department) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO departments (unit_id, code, name) VALUES (?, ?, ?)`, unitID, d.Code, d.Name)
	return err
}

// Departments lists a unit's departments.
func (s *Store) Departments(ctx context.Context, unitID int64) ([]Department, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM departments WHERE unit_id = ? ORDER BY code`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ByCode finds a unit by its current code or any code it had before.
func (s *Store) ByCode(ctx context.Context, code string) (Unit, error) {
	return s.byCode(ctx, s.db, code)
}

func (s *Store) byCode(ctx context.Context, q store.Querier, code string) (Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, selectUnit+` WHERE u.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		// An old code: resolve through the history.
		u, err = scanUnit(q.QueryRowContext(ctx, selectUnit+` WHERE u.id = (SELECT unit_id FROM unit_history WHERE code = ? ORDER BY valid_from DESC LIMIT 1)`, code))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, problem.NotFound("unit_not_found.code", code)
	}
	return u, err
}

// ByID finds a unit by id.
func (s *Store) ByID(ctx context.Context, id int64) (Unit, error) { return Get(ctx, s.db, id) }

// List returns every unit, parents before children.
func (s *Store) List(ctx context.Context) ([]Unit, error) {
	rows, err := s.db.QueryContext(ctx, selectUnit+` ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Ancestors returns the unit and its ancestors, nearest first.
func (s *Store) Ancestors(ctx context.Context, q store.Querier, id int64) ([]Unit, error) {
	var out []Unit
	for id != 0 && len(out) < 16 {
		u, err := scanUnit(q.QueryRowContext(ctx, selectUnit+` WHERE u.id = ?`, id))
		if err != nil {
			return nil, fmt.Errorf("unit: ancestors of %d: %w", id, err)
		}
		out = append(out, u)
		id = u.ParentID
	}
	return out, nil
}

// ByCodeTx is ByCode inside a transaction (sees rows the transaction wrote).
func (s *Store) ByCodeTx(ctx context.Context, tx *store.Tx, code string) (Unit, error) {
	return s.byCode(ctx, tx, code)
}
