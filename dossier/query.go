package dossier

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Get returns a dossier with its history and files, if a may see it.
func (s *Service) Get(ctx context.Context, a *auth.Actor, code string) (*Dossier, error) {
	d, err := s.load(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canView(ctx, s.db, a, d); err != nil {
		return nil, err
	} else if !ok {
		return nil, errNoDossier
	}
	if err := s.decorate(ctx, s.db, d); err != nil {
		return nil, err
	}
	if d.History, err = s.history(ctx, s.db, d); err != nil {
		return nil, err
	}
	if d.Files, err = s.files(ctx, d.id); err != nil {
		return nil, err
	}
	if d.Consultations, err = s.consultations(ctx, s.db, d.id, false); err != nil {
		return nil, err
	}
	p, err := s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	d.Actions = actionsFor(a, d, p)
	return d, nil
}

// history lists d's events; d is decorated (its unit's name is known).
func (s *Service) history(ctx context.Context, q store.Querier, d *Dossier) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, actor_role, action, from_status, to_status,
		from_step, to_step, COALESCE(to_unit_id, 0), due_at, note
		FROM dossier_events WHERE dossier_id = ? ORDER BY id`, d.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	var ids, units []int64 // each event's id and to_unit_id (0 for none)
	asked := false
	for rows.Next() {
		var e Event
		var id, at, unitID int64
		var due sql.NullInt64
		if err := rows.Scan(&id, &at, &e.ActorID, &e.Actor, &e.Role, &e.Action, &e.From, &e.To, &e.FromStep, &e.ToStep, &unitID, &due, &e.Note); err != nil {
			return nil, err
		}
		e.At = fromMs(at)
		e.DueAt = msPtr(due)
		e.ActionName = msg.Action(e.Action.In(e.From))
		out = append(out, e)
		ids, units = append(ids, id), append(units, unitID)
		asked = asked || e.Action == RequestSupplement
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Only a request-supplement event has a request (saveRequest): most
	// dossiers never had one, and tracking skips the query.
	if asked {
		reqs, err := requests(ctx, q, d.id)
		if err != nil {
			return nil, err
		}
		for i, id := range ids {
			out[i].Request = reqs[id]
		}
	}
	// An event names the unit as it is called now (a rename shows), as
	// the joined query did; a merged unit keeps its own name. Most events
	// name the dossier's own unit, whose name decorate already read.
	// Tracking has not read it yet: it comes with the others, in one query.
	names := map[int64]string{0: ""}
	var missing []int64
	if d.UnitName != "" {
		names[d.unitID] = d.UnitName
	} else {
		missing = append(missing, d.unitID)
		names[d.unitID] = ""
	}
	for _, id := range units {
		if _, ok := names[id]; !ok {
			missing = append(missing, id)
			names[id] = ""
		}
	}
	if len(missing) > 0 {
		ls, err := unit.Labels(ctx, q, missing...)
		if err != nil {
			return nil, err
		}
		for id, l := range ls {
			names[id] = l.Name
		}
		if l, ok := ls[d.unitID]; ok && d.UnitName == "" {
			d.Unit, d.UnitName = l.Code, l.Name
		}
	}
	for i, id := range units {
		out[i].Unit = names[id]
	}
	return out, nil
}

// Filter selects dossiers for an officer's inbox or a citizen's list.
type Filter struct {
	Status    State
	Unit      string
	Procedure string
	Channel   string
	Overdue   bool
	Mine      bool // assigned to the asking officer
	Query     string
	Limit     int
	Offset    int
	// After resumes after a page's last dossier (keyset; see ListKey).
	After *ListKey
}

// List returns the dossiers a may see that match f, most urgent first.
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter) ([]*Dossier, error) {
	if a == nil {
		return nil, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	where := []string{"1=1"}
	var args []any
	scope := 0 // how many units a reads (0: a citizen, who reads their own few)
	var arms []scopeArm
	scopeMatch := "" // the index's query of the asker's scope (scopeTerms)
	// The same conditions on dossier_search_rows (PostgreSQL's search,
	// searchRows), which has the scope's and the unit filter's columns.
	var rowsWhere []string
	var rowsArgs []any
	if a.IsCitizen() {
		where = append(where, "d.owner_id = ?")
		args = append(args, a.ID)
	} else {
		ids, err := s.units.Reach(ctx, s.db, a, auth.ReadDossier)
		if err != nil {
			return nil, err
		}
		scope = max(len(ids), 1)
		// A state is read from dossiers_status_due_code instead: walking
		// a unit's dossiers in order to find its few processing ones among
		// years of delivered ones read them all (1.9 s at 1M).
		if f.Status == "" && !f.Overdue {
			arms = scopeArms(ids, a.ID)
		}
		scopeMatch = scopeTerms(ids, a.ID)
		// Whoever filed a dossier follows it, even with no reading role.
		w, wargs := Scope{Units: ids, CreatedBy: a.ID}.where()
		if arms == nil && s.db.Dialect == store.SQLite {
			w = tested(w)
		}
		where = append(where, w)
		args = append(args, wargs...)
		if q := pgScopeQuery(ids, a.ID); q != "" {
			rowsWhere, rowsArgs = append(rowsWhere, "s.scope @@ to_tsquery('simple', ?)"), append(rowsArgs, q)
		} else {
			w, wargs = Scope{Units: ids, CreatedBy: a.ID}.whereOn("s")
			rowsWhere, rowsArgs = append(rowsWhere, w), append(rowsArgs, wargs...)
		}
	}
	if f.Status != "" {
		where = append(where, "d.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Unit != "" {
		u, err := s.units.ByCode(ctx, f.Unit)
		if err != nil {
			return nil, err
		}
		where = append(where, "(d.unit_id = ? OR d.receiving_unit_id = ?)")
		args = append(args, u.ID, u.ID)
		rowsWhere = append(rowsWhere, "s.scope @@ to_tsquery('simple', ?)", "(s.unit_id = ? OR s.receiving_unit_id = ?)")
		rowsArgs = append(rowsArgs, "u"+strconv.FormatInt(u.ID, 10), u.ID, u.ID)
		scope = min(scope, 1)
		if scope > 0 {
			scopeMatch = "scope : u" + strconv.FormatInt(u.ID, 10)
		}
		if scope > 0 && f.Status == "" && !f.Overdue {
			arms = []scopeArm{{"unit_id", u.ID}, {"receiving_unit_id", u.ID}}
		}
	}
	if f.Procedure != "" {
		where = append(where, "d.procedure_code = ?")
		args = append(args, f.Procedure)
	}
	if f.Channel != "" {
		where = append(where, "d.channel = ?")
		args = append(args, f.Channel)
	}
	if f.Overdue {
		// A paused clock is judged at the pause (isOverdue).
		where = append(where, "d.status IN ('transferring', 'processing', 'result_ready') AND d.due_at < ? AND (d.paused_at IS NULL OR d.due_at < d.paused_at)")
		args = append(args, s.cal.LateBefore(s.cfg.Now()).UnixMilli())
	}
	if f.Mine {
		where = append(where, "d.assignee_id = ?")
		args = append(args, a.ID)
	}
	// The API caps its pages at 200 and asks one more to know whether a
	// next page exists; internal callers page by 200.
	if f.Limit <= 0 || f.Limit > 201 {
		f.Limit = 50
	}
	if terms := searchWords(f.Query); len(terms) > 0 {
		// A state or the overdue are far along the deadline order (years of
		// delivered dossiers before them): their page is searchWhere's.
		switch {
		case scope == 0 || f.Status != "" || f.Overdue:
		case s.db.Dialect == store.SQLite:
			page, ok, err := s.searchInOrder(ctx, terms, scopeMatch, strings.Join(where, " AND "), args, f)
			if err != nil {
				return nil, err
			}
			if ok {
				return page, s.decorateAll(ctx, s.db, page)
			}
		case f.Procedure == "" && f.Channel == "" && !f.Mine:
			page, err := s.searchRows(ctx, terms, rowsWhere, rowsArgs, strings.Join(where, " AND "), args, f)
			if err != nil {
				return nil, err
			}
			return page, s.decorateAll(ctx, s.db, page)
		}
		share, err := s.scopeShare(ctx, scope, arms)
		if err != nil {
			return nil, err
		}
		w, wargs, err := s.searchWhere(ctx, terms, f.Limit, share)
		if err != nil {
			return nil, err
		}
		where = append(where, w)
		args = append(args, wargs...)
	}
	out, err := s.listPage(ctx, strings.Join(where, " AND "), args, f, arms)
	if err != nil {
		return nil, err
	}
	if err := s.decorateAll(ctx, s.db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// tested is a scope's condition (Scope.where) as a test of each row of a
// walk of the one order: with every column of it indexed (migration 016),
// SQLite would rather collect the scope through those indexes and sort it
// all, which for a district's inspector is every dossier (measured: 1.7 s
// a page at 1M). A unary + makes each a value, not a column. PostgreSQL
// knows from its statistics how many dossiers the scope holds, and needs
// the columns to know it.
func tested(scope string) string {
	for _, c := range []string{"d.unit_id", "d.receiving_unit_id", "d.competent_unit_id", "d.created_by"} {
		scope = strings.ReplaceAll(scope, c, "+"+c)
	}
	return scope
}

// listPage reads one page of the dossiers matching where in List's order:
// those with a deadline, soonest first, then those with none, each by
// code. The two parts are read one after the other, each in the order of
// an index (dossiers_due_code, dossiers_status_due_code, or per unit of
// the asker's scope, arms, when they are few), so a page costs about its
// own length, not a sort of every dossier matching where (PostgreSQL
// would put the NULLs last in one query; SQLite's indexes hold them
// first). An offset that runs past the first part counts it.
func (s *Service) listPage(ctx context.Context, where string, args []any, f Filter, arms []scopeArm) ([]*Dossier, error) {
	out := []*Dossier{}
	off := max(f.Offset, 0)
	if f.After == nil || f.After.DueAt != nil {
		w, a := where+" AND d.due_at IS NOT NULL", args
		if f.After != nil {
			w += " AND (d.due_at, d.code) > (?, ?)"
			a = append(a[:len(a):len(a)], *f.After.DueAt, f.After.Code)
		}
		part, err := s.pageQuery(ctx, w, "d.due_at, d.code", a, arms, f.Limit, off)
		if err != nil {
			return nil, err
		}
		if out = part; len(out) == f.Limit {
			return out, nil
		}
		switch {
		case len(out) > 0 || off == 0:
			off = 0
		default: // the offset is past the first part: skip what is left in the second
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d WHERE `+w, a...).Scan(&n); err != nil {
				return nil, err
			}
			off = max(off-n, 0)
		}
	}
	w, a := where+" AND d.due_at IS NULL", args
	if f.After != nil && f.After.DueAt == nil {
		w += " AND d.code > ?"
		a = append(a[:len(a):len(a)], f.After.Code)
	}
	part, err := s.pageQuery(ctx, w, "d.code", a, arms, f.Limit-len(out), off)
	if err != nil {
		return nil, err
	}
	return append(out, part...), nil
}

// listSQL is the query of one part of a page (a test explains it).
func listSQL(whereOrder string) string {
	return selectDossier + ` WHERE ` + whereOrder + ` LIMIT ? OFFSET ?`
}

// pageQuery reads one part of a page, per arm when there are arms.
func (s *Service) pageQuery(ctx context.Context, where, order string, args []any, arms []scopeArm, limit, offset int) ([]*Dossier, error) {
	if len(arms) > 0 {
		return s.armsQuery(ctx, where, order, args, arms, limit, offset)
	}
	return s.listQuery(ctx, where+" ORDER BY "+order, args, limit, offset)
}

func (s *Service) listQuery(ctx context.Context, whereOrder string, args []any, limit, offset int) ([]*Dossier, error) {
	return s.queryDossiers(ctx, listSQL(whereOrder), append(args[:len(args):len(args)], limit, offset)...)
}

// queryDossiers runs a query of whole dossier rows (selectDossier's
// columns) and scans them, in its order.
func (s *Service) queryDossiers(ctx context.Context, query string, args ...any) ([]*Dossier, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Dossier{}
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CountByStatus counts dossiers per state (for /metrics).
func (s *Service) CountByStatus(ctx context.Context) (map[State]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM dossiers GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[State]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[State(st)] = n
	}
	return out, rows.Err()
}

// Pause is one stored clock pause: the interval the clock did not count.
type Pause struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
	// Kind is PauseSupplement or one of the procedure's (catalog.PauseKinds);
	// KindName is its Vietnamese name.
	Kind     string `json:"kind"`
	KindName string `json:"kind_name"`
	// Reason is the note the pause began with, EndNote the one it ended with.
	Reason  string `json:"reason"`
	EndNote string `json:"end_note,omitempty"`
}

// Pauses lists a dossier's clock pauses (for audit of on-time results).
func (s *Service) Pauses(ctx context.Context, a *auth.Actor, code string) ([]Pause, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.pauses(ctx, s.db, d)
}

func (s *Service) pauses(ctx context.Context, q store.Querier, d *Dossier) ([]Pause, error) {
	rows, err := q.QueryContext(ctx, `SELECT started_at, ended_at, reason, kind, end_note FROM dossier_pauses WHERE dossier_id = ? ORDER BY id`, d.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Pause{}
	for rows.Next() {
		var st int64
		var end sql.NullInt64
		var p Pause
		if err := rows.Scan(&st, &end, &p.Reason, &p.Kind, &p.EndNote); err != nil {
			return nil, err
		}
		p.Start, p.End, p.KindName = fromMs(st), msPtr(end), PauseKindName(p.Kind)
		out = append(out, p)
	}
	return out, rows.Err()
}
