package report

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// scoreWorld is what the scorecard is computed from: the dossiers of the
// unit's subtree that have a figure in the period, and the procedures
// within the subtree's competence.
type scoreWorld struct {
	root  rootUnit
	facts []scoreFact
	procs []procFact
}

type rootUnit struct {
	id                int64
	code, name, level string
}

// scoreFact is one dossier's part in the scorecard.
type scoreFact struct {
	id        int64
	procedure string
	c         Count // its II.06a figures for the period (Counts' rules)
	received  int64 // ms
	finished  int64 // when its figure was fixed by a result or an end in the period, else 0
	due       int64 // the appointment in force then
	worked    time.Duration
	// resultFile: an electronic result file is attached; paidOnline,
	// paidDesk: a fee above zero was paid through a gateway, at the desk;
	// disliked: its applicant rated it "not satisfied".
	resultFile, paidOnline, paidDesk, disliked bool
	// digitised: a component carries a digitisation code; resultCode: its
	// result file carries a result code, and stored: one the applicant's
	// data store holds; reused: a paper of a data store was attached to it
	// instead of an upload (package sohoa's tables).
	digitised, resultCode, stored, reused bool
	// synced: the national portal holds every call about it (package dvcqg).
	synced bool
}

// procFact is one procedure within the subtree's competence.
type procFact struct {
	code           string
	online         bool // full or partial online service (Decree 42/2022)
	onlineDossiers int64
}

// scoreTree is every unit's parent over time, for "the unit and the units
// below it as the tree stood".
type scoreTree struct {
	ut      unitTimes
	parent  map[int64]int64 // now
	parents map[int64][]parentPeriod
}

type parentPeriod struct {
	from, to, parent int64
}

func (s *Reader) scoreTree(ctx context.Context) (scoreTree, error) {
	ut, err := s.unitTimes(ctx)
	if err != nil {
		return scoreTree{}, err
	}
	t := scoreTree{ut: ut, parent: map[int64]int64{}, parents: map[int64][]parentPeriod{}}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0) FROM units`)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var id, p int64
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return t, err
		}
		t.parent[id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	rows, err = s.db.Replica(ctx).QueryContext(ctx, `SELECT unit_id, valid_from, COALESCE(valid_to, 0), COALESCE(parent_id, 0)
		FROM unit_history ORDER BY unit_id, valid_from, id`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p parentPeriod
		if err := rows.Scan(&id, &p.from, &p.to, &p.parent); err != nil {
			return t, err
		}
		t.parents[id] = append(t.parents[id], p)
	}
	return t, rows.Err()
}

// parentAt is the parent of unit id at instant at (ms), chosen as asStood
// chooses the unit's row.
func (t scoreTree) parentAt(id, at int64) int64 {
	h := t.parents[id]
	var best *parentPeriod
	for i := range h {
		if h[i].from <= at {
			best = &h[i]
		}
	}
	switch {
	case best != nil:
		return best.parent
	case len(h) > 0:
		return h[0].parent
	}
	return t.parent[id]
}

// under reports whether unit id is root or below it at instant at (ms).
func (t scoreTree) under(id, root, at int64) bool {
	for range 16 {
		if id == root {
			return true
		}
		if id = t.parentAt(id, at); id == 0 {
			return false
		}
	}
	return false
}

// resolveUnit finds the unit a code names now, or named once.
func (s *Reader) resolveUnit(ctx context.Context, code string) (int64, error) {
	if code == "" {
		return 0, problem.Invalid("unit", "unit_required.report")
	}
	var id int64
	err := s.db.Replica(ctx).QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.Replica(ctx).QueryRowContext(ctx, `SELECT unit_id FROM unit_history WHERE code = ? ORDER BY valid_from DESC, id DESC LIMIT 1`, code).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.NotFound("unit_not_found.code", code)
	}
	return id, err
}

// scoreWorld reads what the scorecard of the unit with code needs.
func (s *Reader) scoreWorld(ctx context.Context, code string, from, to time.Time, cal WorkCalendar) (*scoreWorld, error) {
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	rootID, err := s.resolveUnit(ctx, code)
	if err != nil {
		return nil, err
	}
	tree, err := s.scoreTree(ctx)
	if err != nil {
		return nil, err
	}
	var judge Judge = minuteJudge{}
	if cal != nil {
		judge = cal
	}
	stood := to.Add(-time.Millisecond)
	h := tree.ut.asStood(rootID, stood)
	w := &scoreWorld{root: rootUnit{id: rootID, code: h.code, name: h.name, level: h.level}}
	t := to.UnixMilli()
	err = s.eachDossier(ctx, from, to, func(d dossierLife) {
		c, unitID, ok := d.count(from, to, judge, tree.ut)
		if !ok {
			return
		}
		f := scoreFact{id: d.id, procedure: d.procedure, c: c}
		recv, end := d.span(t)
		f.received = d.events[recv].at
		fixed := t - 1
		if end >= 0 {
			fixed = d.events[end].at
			f.finished = fixed
			f.due = d.dueBefore(end)
		} else {
			n := recv
			for n < len(d.events) && d.events[n].at < t {
				n++
			}
			f.due = d.dueBefore(n)
		}
		if !tree.under(unitID, rootID, fixed) {
			return
		}
		if c.Resolved == 1 && cal != nil {
			f.worked = cal.WorkingBetween(msTime(f.received), msTime(f.finished))
		}
		w.facts = append(w.facts, f)
	})
	if err != nil {
		return nil, err
	}
	if err := s.scoreExtras(ctx, w.facts); err != nil {
		return nil, err
	}
	w.procs, err = s.scoreProcedures(ctx, tree, rootID, stood, w.facts)
	return w, err
}

// span is the index of the dossier's reception and of its first end after
// it when that end came before t (ms), else -1; count has found both.
func (d dossierLife) span(t int64) (recv, end int) {
	recv, end = -1, -1
	for i, e := range d.events {
		if e.action == "receive" {
			recv = i
			break
		}
	}
	for i := recv + 1; i < len(d.events); i++ {
		switch d.events[i].toStatus {
		case "result_ready", "withdrawn", "stopped", "refused":
			if d.events[i].at < t {
				return recv, i
			}
			return recv, -1
		}
	}
	return recv, -1
}

// scoreExtras marks each fact with its result file, fee payments and
// rating. The three tables are read whole and matched by dossier: one
// query each, whatever the number of dossiers.
func (s *Reader) scoreExtras(ctx context.Context, facts []scoreFact) error {
	if len(facts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(facts))
	for i, f := range facts {
		idx[f.id] = i
	}
	mark := func(q string, fn func(f *scoreFact, v string)) error {
		rows, err := s.db.Replica(ctx).QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				return err
			}
			if i, ok := idx[id]; ok {
				fn(&facts[i], v)
			}
		}
		return rows.Err()
	}
	if err := mark(`SELECT DISTINCT dossier_id, kind FROM dossier_files WHERE kind = 'result'`, func(f *scoreFact, _ string) {
		f.resultFile = true
	}); err != nil {
		return err
	}
	// A fee paid at the desk is recorded with the desk's method as its
	// gateway (payment.Cash, payment.POS); any other gateway is online.
	if err := mark(`SELECT d.id, p.gateway FROM payments p JOIN dossiers d ON d.code = p.dossier_code
		WHERE p.amount > 0 AND p.paid_at IS NOT NULL`, func(f *scoreFact, gw string) {
		if gw == "cash" || gw == "pos" {
			f.paidDesk = true
		} else {
			f.paidOnline = true
		}
	}); err != nil {
		return err
	}
	if err := mark(`SELECT dossier_id, score FROM ratings WHERE score = 'not_satisfied'`, func(f *scoreFact, _ string) {
		f.disliked = true
	}); err != nil {
		return err
	}
	if err := mark(`SELECT dossier_id, ma_ho_so FROM dvcqg_sync WHERE synced = 1`, func(f *scoreFact, _ string) { f.synced = true }); err != nil {
		return err
	}
	return s.scoreDigitisation(ctx, mark)
}

// scoreDigitisation marks each fact with its digitisation codes, its
// result in a data store and its reuse of stored papers. A result is in a
// store when its paper names a holder: the citizen account that filed the
// dossier, or an ID number a verified identity finds it by.
func (s *Reader) scoreDigitisation(ctx context.Context, mark func(q string, fn func(f *scoreFact, v string)) error) error {
	if err := mark(`SELECT dossier_id, kind FROM sohoa_papers`, func(f *scoreFact, kind string) {
		switch kind {
		case "component":
			f.digitised = true
		case "result":
			f.resultCode = true
		}
	}); err != nil {
		return err
	}
	if err := mark(`SELECT dossier_id, kind FROM sohoa_papers WHERE kind = 'result' AND (holder_user_id IS NOT NULL OR holder_id_number <> '')`,
		func(f *scoreFact, _ string) { f.stored = true }); err != nil {
		return err
	}
	return mark(`SELECT dossier_id, component FROM sohoa_reuses`, func(f *scoreFact, _ string) { f.reused = true })
}

// scoreProcedures lists the procedures within the competence of the
// subtree as it stood at the end of the period: those implemented at a
// level of one of its units (the catalog's levels).
func (s *Reader) scoreProcedures(ctx context.Context, tree scoreTree, root int64, stood time.Time, facts []scoreFact) ([]procFact, error) {
	at := stood.UnixMilli()
	levels := map[string]bool{}
	for id := range tree.ut.units {
		if (id == root || tree.ut.inForce(id, at)) && tree.under(id, root, at) {
			levels[tree.ut.asStood(id, stood).level] = true
		}
	}
	online := map[string]int64{}
	for _, f := range facts {
		if f.c.NewOnline == 1 {
			online[f.procedure]++
		}
	}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT code, levels, online FROM procedures ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procFact
	for rows.Next() {
		var code, lv, mode string
		if err := rows.Scan(&code, &lv, &mode); err != nil {
			return nil, err
		}
		in := false
		for _, l := range strings.Split(lv, ",") {
			in = in || levels[l]
		}
		if in {
			out = append(out, procFact{code: code, online: mode == "full" || mode == "partial", onlineDossiers: online[code]})
		}
	}
	return out, rows.Err()
}
