package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/vntext"
)

// Store keeps procedures and all their versions. A version, once written,
// never changes, so parsed versions are cached in memory.
type Store struct {
	db    *store.DB
	cfg   Config
	cache sync.Map // "code@version" → Procedure
}

// Config connects a Store to the rest of the app.
type Config struct {
	// Now dates versions; nil means time.Now.
	Now func() time.Time
	// Bus carries event.Security for every version an admin publishes
	// (the audit log listens); nil publishes nothing.
	Bus *event.Bus
	// Scope judges who may edit (a *unit.Store: catalog does not walk
	// the unit tree itself). Without it Edit refuses everyone.
	Scope Scope
}

// Scope is the unit tree's half of the scope table (auth.Scopes).
type Scope interface {
	Entitled(ctx context.Context, a *auth.Actor, r auth.Right, code string) error
	AtProvince(ctx context.Context, a *auth.Actor, r auth.Right) error
}

// NewStore returns a Store on db whose versions are dated by now (nil
// means time.Now), for tools that seed and read: it has no Scope, so
// Edit refuses. The application uses New.
func NewStore(db *store.DB, now func() time.Time) *Store { return New(db, Config{Now: now}) }

// New returns a Store on db connected as cfg says.
func New(db *store.DB, cfg Config) *Store {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{db: db, cfg: cfg}
}

// Edit publishes an edited procedure as a new version of an existing code,
// when a may edit both the current version and the new one: a procedure
// of the province's catalog (no Unit) is edited by the province's admins
// only, one published for a unit also by that unit's admins and those
// above it (auth.EditProcedure). Moving a procedure to a unit is an edit
// of both.
//
// The version is in force from its EffectiveFrom day, today at the
// earliest; one left at the date of the version it was copied from is
// taken to start today. A later date schedules it.
func (s *Store) Edit(ctx context.Context, a *auth.Actor, p Procedure) (Procedure, error) {
	return s.edit(ctx, a, p, "procedure_version")
}

func (s *Store) edit(ctx context.Context, a *auth.Actor, p Procedure, action string) (Procedure, error) {
	if a == nil {
		return Procedure{}, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	cur, err := s.Get(ctx, p.Code)
	if err != nil {
		return Procedure{}, err
	}
	if p.EffectiveFrom != "" && p.EffectiveFrom <= cur.EffectiveFrom && p.EffectiveFrom < Today(s.cfg.Now()) {
		// Copied from the version in force or an older one, not a date
		// chosen: the new version starts today.
		p.EffectiveFrom = ""
	}
	for _, u := range []string{cur.Unit, p.Unit} {
		if err := s.mayEdit(ctx, a, u); err != nil {
			return Procedure{}, err
		}
	}
	var out Procedure
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = s.publish(ctx, tx, p, a.ID, true); err != nil {
			return err
		}
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			ActorRole: auth.Admin, Action: action, Object: "procedure:" + out.Code,
			Details: fmt.Sprintf(`{"version":%d,"unit":%q,"effective_from":%q}`, out.Version, out.Unit, out.EffectiveFrom)})
	})
	return out, err
}

// MayEdit returns nil when a may publish a new version of the procedure
// with code as it stands (Edit also checks the new version's unit), and
// the problem Edit would return otherwise: pages ask before they parse.
func (s *Store) MayEdit(ctx context.Context, a *auth.Actor, code string) error {
	cur, err := s.Get(ctx, code)
	if err != nil {
		return err
	}
	return s.mayEdit(ctx, a, cur.Unit)
}

func (s *Store) mayEdit(ctx context.Context, a *auth.Actor, unitCode string) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	if s.cfg.Scope == nil {
		return problem.Forbidden("province_admin_only")
	}
	if unitCode == "" {
		return s.cfg.Scope.AtProvince(ctx, a, auth.EditProcedure)
	}
	return s.cfg.Scope.Entitled(ctx, a, auth.EditProcedure, unitCode)
}

// Summary is a procedure as listed in search results.
type Summary struct {
	Code      string   `json:"code"`
	Version   int      `json:"version"`
	Name      string   `json:"name"`
	Field     string   `json:"field"`
	FieldCode string   `json:"field_code"`
	Levels    []string `json:"levels"`
	Online    string   `json:"online"`
}

// Publish stores p as the next version of its code, in force from its
// EffectiveFrom day (today when empty, and then written into p). It is
// for seeding and tools: the dates are not checked against today. The
// procedures row (search, listings) follows the latest version published.
func (s *Store) Publish(ctx context.Context, tx *store.Tx, p Procedure, by int64) (Procedure, error) {
	return s.publish(ctx, tx, p, by, false)
}

// publish is Publish; admin refuses a version starting before today.
func (s *Store) publish(ctx context.Context, tx *store.Tx, p Procedure, by int64, admin bool) (Procedure, error) {
	if err := s.dated(&p, admin); err != nil {
		return Procedure{}, err
	}
	if err := p.Validate(); err != nil {
		return Procedure{}, problem.Invalid("procedure", "invalid_procedure", err.Error())
	}
	sp, err := rangeOf(p)
	if err != nil {
		return Procedure{}, err
	}
	if err := checkOverlap(ctx, tx, p.Code, sp); err != nil {
		return Procedure{}, err
	}
	var to any
	if sp.to != 0 {
		to = sp.to
	}
	var cur sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM procedure_versions WHERE code = ?`, p.Code).Scan(&cur); err != nil {
		return Procedure{}, err
	}
	p.Version = int(cur.Int64) + 1
	body, err := json.Marshal(p)
	if err != nil {
		return Procedure{}, err
	}
	var byArg any
	if by != 0 {
		byArg = by
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_versions (code, version, body, created_at, created_by, effective_from, effective_to)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.Code, p.Version, string(body), s.cfg.Now().UnixMilli(), byArg, sp.from, to); err != nil {
		if store.IsUniqueViolation(err) {
			return Procedure{}, problem.Conflict("procedure_conflict")
		}
		return Procedure{}, err
	}
	search := vntext.Fold(strings.Join([]string{p.Code, p.Name, p.Field, p.Result, p.Agency}, " "))
	levels := strings.Join(p.Levels, ",")
	if p.Version == 1 {
		_, err = tx.ExecContext(ctx, `INSERT INTO procedures (code, version, name, field, field_code, levels, online, search, retention_years) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Code, p.Version, p.Name, p.Field, p.FieldCode, levels, p.Online, search, p.RetentionYears())
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE procedures SET version = ?, name = ?, field = ?, field_code = ?, levels = ?, online = ?, search = ?, retention_years = ? WHERE code = ?`,
			p.Version, p.Name, p.Field, p.FieldCode, levels, p.Online, search, p.RetentionYears(), p.Code)
	}
	return p, err
}

// SeedBuiltin publishes every embedded procedure whose code is not in the
// database yet; an edited procedure is never overwritten by the shipped one.
func (s *Store) SeedBuiltin(ctx context.Context, tx *store.Tx) (int, error) {
	return s.SeedBuiltinFrom(ctx, tx, "")
}

// SeedBuiltinFrom is SeedBuiltin with every shipped procedure in force
// from day (YYYY-MM-DD) instead of its file's date, when day is set: the
// demo generator simulates a year before the files' date.
func (s *Store) SeedBuiltinFrom(ctx context.Context, tx *store.Tx, day string) (int, error) {
	ps, err := Builtin()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		if day != "" {
			p.EffectiveFrom = day
		}
		var c int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures WHERE code = ?`, p.Code).Scan(&c); err != nil {
			return n, err
		}
		if c > 0 {
			continue
		}
		if _, err := s.Publish(ctx, tx, p, 0); err != nil {
			return n, fmt.Errorf("catalog: seed %s: %w", p.Code, err)
		}
		n++
	}
	return n, nil
}

// Get returns the version of a procedure in force now (InForce): the one
// the catalog shows, a new dossier is filed under and an edit starts from.
func (s *Store) Get(ctx context.Context, code string) (Procedure, error) {
	return s.InForce(ctx, s.db, code, s.cfg.Now())
}

// Version returns one version of a procedure.
func (s *Store) Version(ctx context.Context, q store.Querier, code string, version int) (Procedure, error) {
	key := fmt.Sprintf("%s@%d", code, version)
	if p, ok := s.cache.Load(key); ok {
		return p.(Procedure), nil
	}
	var body string
	var from int64
	err := q.QueryRowContext(ctx, `SELECT body, effective_from FROM procedure_versions WHERE code = ? AND version = ?`, code, version).Scan(&body, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return Procedure{}, problem.NotFound("procedure_not_found", code)
	}
	if err != nil {
		return Procedure{}, err
	}
	var p Procedure
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return Procedure{}, fmt.Errorf("catalog: stored %s: %w", key, err)
	}
	if p.EffectiveFrom == "" {
		// Stored before versions had dates: in force from its publication.
		p.EffectiveFrom = Today(time.UnixMilli(from))
	}
	s.cache.Store(key, p)
	return p, nil
}

// Query filters the catalog. Every folded term of Text must appear.
type Query struct {
	Text  string
	Level string
	Field string
}

// Search lists current procedures matching q, by field then code.
func (s *Store) Search(ctx context.Context, q Query) ([]Summary, error) {
	return s.search(ctx, q, nil, 0)
}

// search lists current procedures matching q by field then code, after
// the key after (nil: from the first), at most limit of them (0: all).
func (s *Store) search(ctx context.Context, q Query, after *searchKey, limit int) ([]Summary, error) {
	sqlText := `SELECT code, version, name, field, field_code, levels, online FROM procedures WHERE 1=1`
	var args []any
	if after != nil {
		sqlText += ` AND (field > ? OR (field = ? AND code > ?))`
		args = append(args, after.Field, after.Field, after.Code)
	}
	for _, t := range vntext.Terms(q.Text) {
		sqlText += ` AND search LIKE ?`
		args = append(args, "%"+likeEscape(t)+"%")
	}
	if q.Level != "" {
		sqlText += ` AND (',' || levels || ',') LIKE ?`
		args = append(args, "%,"+likeEscape(q.Level)+",%")
	}
	if q.Field != "" {
		sqlText += ` AND field_code = ?`
		args = append(args, q.Field)
	}
	sqlText += ` ORDER BY field, code`
	if limit > 0 {
		sqlText += ` LIMIT ` + strconv.Itoa(limit)
	}
	// The catalog's listing tolerates lag: the replica, if any, answers
	// unless this caller just published (store.DB.Replica).
	rows, err := s.db.Replica(ctx).QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var sm Summary
		var levels string
		if err := rows.Scan(&sm.Code, &sm.Version, &sm.Name, &sm.Field, &sm.FieldCode, &levels, &sm.Online); err != nil {
			return nil, err
		}
		sm.Levels = strings.Split(levels, ",")
		out = append(out, sm)
	}
	return out, rows.Err()
}

// likeEscape drops LIKE wildcards from user input; folded terms never need them.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}
