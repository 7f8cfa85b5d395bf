package audit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Query is what a supervisor asks of the log; zero fields select all.
type Query struct {
	// From and To are days, YYYY-MM-DD, both included.
	From, To string
	Action   string
	ActorID  int64
	// Actor is part of the actor's name.
	Actor string
	// Offset and Limit page the result, newest first; Limit defaults to
	// 50 and is at most 200.
	Offset, Limit int
	// Before resumes the newest-first list below an entry id: the keyset
	// cursor of the API's listing convention (docs/api.md, Listings).
	Before int64
}

// Page is one page of a search.
type Page struct {
	Entries []Entry `json:"entries"`
	// Total is how many entries the query selects in all.
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	// Next is the cursor of the following page, absent on the last one.
	Next string `json:"next,omitempty"`
	// Units names the units of the entries (code and name by id).
	Units map[int64]unit.Label `json:"-"`
}

var actionRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// ParseQuery reads a Query from the parameters from, to, action,
// actor_id, actor, offset, limit and cursor (of the API and of the page); a value
// that cannot be understood is an error, never ignored.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{From: v.Get("from"), To: v.Get("to"), Action: strings.TrimSpace(v.Get("action")), Actor: strings.TrimSpace(v.Get("actor"))}
	for _, f := range []struct{ name, val string }{{"from", q.From}, {"to", q.To}} {
		if _, err := time.Parse(time.DateOnly, f.val); f.val != "" && err != nil {
			return q, problem.Invalid(f.name, "invalid_date", f.name)
		}
	}
	if q.From != "" && q.To != "" && q.To < q.From {
		return q, problem.Invalid("to", "invalid_range")
	}
	if q.Action != "" && !actionRE.MatchString(q.Action) {
		return q, problem.Invalid("action", "invalid_audit_action")
	}
	if len([]rune(q.Actor)) > 200 {
		return q, problem.Invalid("actor", "invalid_audit_actor")
	}
	if s := v.Get("actor_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return q, problem.Invalid("actor_id", "invalid_audit_actor")
		}
		q.ActorID = n
	}
	for name, dst := range map[string]*int{"limit": &q.Limit, "offset": &q.Offset} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || (name == "limit" && n > 200) || n > 1_000_000 {
				return q, problem.Invalid(name, "invalid_"+name, name)
			}
			*dst = n
		}
	}
	if s := v.Get("cursor"); s != "" {
		id, err := parseCursor(s)
		if err != nil {
			return q, err
		}
		q.Before = id
	}
	return q, nil
}

// cursor is the opaque next cursor after entry id: base64url of {"before":id}.
func cursor(id int64) string {
	b, _ := json.Marshal(struct {
		Before int64 `json:"before"`
	}{id}) // an int always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseCursor reads what cursor made; anything else is 422
// invalid_page_cursor, never a silent first page.
func parseCursor(s string) (int64, error) {
	var k struct {
		Before int64 `json:"before"`
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil || k.Before <= 0 {
		return 0, problem.Invalid("cursor", "invalid_page_cursor")
	}
	return k.Before, nil
}

// Search returns the entries q selects that a may see: those at the units
// where a holds the supervisor role and the units below them (entries at
// no unit — a failed login, a command-line act — only to the supervisors
// of a top-level unit). Anyone else is refused.
func (l *Log) Search(ctx context.Context, a *auth.Actor, q Query) (*Page, error) {
	units, err := l.scope(ctx, a)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 200)
	conds := []string{`unit_id IN (` + store.Placeholders(len(units)) + `)`}
	var args []any
	for _, id := range units {
		args = append(args, id)
	}
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if q.From != "" {
		add("at >= ?", dayStart(q.From, time.Time{}).UnixMilli())
	}
	if q.To != "" {
		add("at < ?", dayStart(q.To, time.Time{}).AddDate(0, 0, 1).UnixMilli())
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.ActorID != 0 {
		add("actor_id = ?", q.ActorID)
	}
	if q.Actor != "" {
		// LIKE's wildcards in the name are taken literally.
		add(`actor_name LIKE ? ESCAPE '\'`, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q.Actor)+"%")
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	p := &Page{Offset: q.Offset, Limit: q.Limit, Entries: []Entry{}}
	// Total counts the whole selection, whatever page the cursor is at.
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries`+where, args...).Scan(&p.Total); err != nil {
		return nil, err
	}
	if q.Before > 0 {
		where += " AND id < ?"
		args = append(args, q.Before)
	}
	// One more row than the page tells whether a next page exists.
	rows, err := l.db.QueryContext(ctx, selectEntry+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, q.Limit+1, q.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		p.Entries = append(p.Entries, e)
		ids = append(ids, e.UnitID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(p.Entries) > q.Limit {
		p.Entries, ids = p.Entries[:q.Limit], ids[:q.Limit]
		p.Next = cursor(p.Entries[q.Limit-1].ID)
	}
	if p.Units, err = unit.Labels(ctx, l.db, ids...); err != nil {
		return nil, err
	}
	return p, nil
}

// scope is the unit ids whose entries a may see (0 for "no unit"), or a
// forbidden error when a supervises nothing.
func (l *Log) scope(ctx context.Context, a *auth.Actor) ([]int64, error) {
	var roots []int64
	top := false
	if a != nil && !a.IsCitizen() {
		// The scope table (auth.Scopes) says who reads the log; every role
		// it names reaches below (ReadAudit), so Below is the whole answer.
		_, below := a.Reach(auth.ReadAudit)
		for _, id := range below {
			roots = append(roots, id)
			u, err := unit.Get(ctx, l.db, id)
			if err != nil {
				return nil, err
			}
			top = top || u.ParentID == 0
		}
	}
	if len(roots) == 0 {
		return nil, problem.Forbidden("audit_log")
	}
	ids, err := unit.Below(ctx, l.db, roots)
	if err != nil {
		return nil, err
	}
	if top {
		ids = append(ids, 0)
	}
	return ids, nil
}
