package dossier

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// A supplement request (Mẫu 02, at reception or during processing) names
// exactly what the applicant must bring — the components the officer marks
// as missing, each with its reason, and lines not in the catalog — and by
// when (issue 10). Form 02, tracking and the portal show the same list.

// The limits of a request's items, in items and characters.
const (
	MaxSupplementItems  = 30
	MaxSupplementName   = 300
	MaxSupplementReason = 1000
)

// SupplementItem is one row of a supplement request.
type SupplementItem struct {
	// Component is the procedure component's key; empty for a free-text
	// item not in the catalog ("other").
	Component string `json:"component,omitempty"`
	// Name is the component's name as the catalog had it (filled in by the
	// service for a component) or the officer's free text.
	Name string `json:"name,omitempty"`
	// Kind is the component's kind (original, copy, certified_copy), empty
	// for a free-text item.
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason"`
}

// SupplementRequest is what a request-supplement event asked for.
type SupplementRequest struct {
	// Deadline is the moment the time limit ends (exclusive): 24:00 of its
	// last day, Vietnam time. LastDay is the day to print.
	Deadline time.Time `json:"deadline"`
	// Days is the limit it was computed from and Source whose it was:
	// "procedure" (the catalog's supplement_days) or "unit" (its default).
	Days   int              `json:"days"`
	Source string           `json:"source"`
	Items  []SupplementItem `json:"items,omitempty"`
}

// LastDay is the last day on which the applicant may still supplement.
func (r *SupplementRequest) LastDay() time.Time {
	return r.Deadline.Add(-time.Millisecond).In(calendar.Zone)
}

// checkItems normalises and checks a request's items against procedure p:
// at least one, known component keys (never one only shown: an ID card the
// applicant presents is never "missing"), no repeats, reasons given,
// lengths within the limits. Errors carry stable codes and the offending
// item's field.
func checkItems(p catalog.Procedure, items []SupplementItem) ([]SupplementItem, error) {
	if len(items) == 0 {
		return nil, problem.Invalid("items", "supplement_items_required")
	}
	if len(items) > MaxSupplementItems {
		return nil, problem.Invalid("items", "supplement_items_too_many", MaxSupplementItems)
	}
	byKey := map[string]catalog.Component{}
	for _, c := range p.Components {
		byKey[c.Key] = c
	}
	seen := map[string]bool{}
	out := make([]SupplementItem, 0, len(items))
	for _, it := range items {
		key, name, reason := strings.TrimSpace(it.Component), strings.Join(strings.Fields(it.Name), " "), strings.TrimSpace(it.Reason)
		var item SupplementItem
		dedup := "c:" + key
		if key != "" {
			c, ok := byKey[key]
			if !ok {
				return nil, problem.Invalid("items", "supplement_component_unknown")
			}
			if c.Kind == "show" {
				return nil, problem.Invalid("items", "supplement_component_shown")
			}
			item = SupplementItem{Component: c.Key, Name: c.Name, Kind: c.Kind}
		} else {
			if name == "" {
				return nil, problem.Invalid("items", "supplement_item_name_required")
			}
			if longerThan(name, MaxSupplementName) {
				return nil, problem.Invalid("items", "supplement_item_name_too_long", MaxSupplementName)
			}
			item = SupplementItem{Name: name}
			dedup = "n:" + strings.ToLower(name)
		}
		if seen[dedup] {
			return nil, problem.Invalid("items", "supplement_item_duplicate")
		}
		seen[dedup] = true
		if reason == "" {
			return nil, problem.Invalid("items", "supplement_reason_required")
		}
		if longerThan(reason, MaxSupplementReason) {
			return nil, problem.Invalid("items", "supplement_reason_too_long", MaxSupplementReason)
		}
		item.Reason = reason
		out = append(out, item)
	}
	return out, nil
}

// SupplementDeadline is the end of the applicant's time limit for a
// request made at now, days calendar days long.
//
// The law: Decree 118/2025 (as Decree 61/2018 before it, regulations.md
// §1 rules 1 and 3) obliges the desk or the processing agency to say, once
// and in writing (Mẫu 02), what to complete and why; our notes record no
// general time limit for the applicant in it, and none was found in the
// sources available to us (the `search` corpus has no text of Decree
// 118), so the limit is the specialised law's where it sets one — the
// procedure's supplement_days — and otherwise the one the unit announces
// (unit.SupplementDays, 30 days unless an admin changes it), printed on
// the request so the applicant knows it. Check against the official text
// of Decree 118 before relying on the default.
//
// A period in days does not count the day it starts and ends at 24:00 of
// its last day; when that day is a rest day or a holiday it ends at the end
// of the next working day (Civil Code 2015 arts. 147–148).
func SupplementDeadline(cal Calendar, now time.Time, days int) time.Time {
	t := now.In(calendar.Zone)
	last := time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, calendar.Zone)
	for range 60 { // the longest run of non-working days (Tết) is far shorter
		next := last.AddDate(0, 0, 1)
		if cal.WorkingBetween(last, next) > 0 {
			return next
		}
		last = next
	}
	return last.AddDate(0, 0, 1)
}

// supplementRequest builds the request for an action at now: its checked
// items and its deadline, from the procedure's limit or else the receiving
// unit's default (the desk that issues Mẫu 02).
func (s *Service) supplementRequest(ctx context.Context, tx *store.Tx, d *Dossier, p catalog.Procedure, items []SupplementItem, now time.Time) (*SupplementRequest, error) {
	items, err := checkItems(p, items)
	if err != nil {
		return nil, err
	}
	r := &SupplementRequest{Days: p.SupplementDays, Source: "procedure", Items: items}
	if r.Days <= 0 {
		if r.Days, err = unit.SupplementDays(ctx, tx, d.receivingID); err != nil {
			return nil, err
		}
		r.Source = "unit"
	}
	r.Deadline = SupplementDeadline(s.cal, now, r.Days)
	return r, nil
}

// saveRequest stores r as the request of history event eventID.
func saveRequest(ctx context.Context, tx *store.Tx, eventID, dossierID int64, r *SupplementRequest) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_supplement_requests (event_id, dossier_id, deadline_at, days, source)
		VALUES (?, ?, ?, ?, ?)`, eventID, dossierID, r.Deadline.UnixMilli(), r.Days, r.Source); err != nil {
		return err
	}
	for i, it := range r.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_supplement_items (event_id, n, component, name, kind, reason)
			VALUES (?, ?, ?, ?, ?, ?)`, eventID, i+1, it.Component, it.Name, it.Kind, it.Reason); err != nil {
			return err
		}
	}
	return nil
}

// requests reads the supplement requests of a dossier by history event id.
// Requests made before issue 10 have none: their Mẫu 02 prints the note.
func requests(ctx context.Context, q store.Querier, dossierID int64) (map[int64]*SupplementRequest, error) {
	out := map[int64]*SupplementRequest{}
	rows, err := q.QueryContext(ctx, `SELECT event_id, deadline_at, days, source FROM dossier_supplement_requests WHERE dossier_id = ?`, dossierID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, deadline int64
		r := &SupplementRequest{}
		if err := rows.Scan(&id, &deadline, &r.Days, &r.Source); err != nil {
			rows.Close()
			return nil, err
		}
		r.Deadline = fromMs(deadline)
		out[id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = q.QueryContext(ctx, `SELECT i.event_id, i.component, i.name, i.kind, i.reason FROM dossier_supplement_items i
		JOIN dossier_supplement_requests r ON r.event_id = i.event_id WHERE r.dossier_id = ? ORDER BY i.event_id, i.n`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it SupplementItem
		if err := rows.Scan(&id, &it.Component, &it.Name, &it.Kind, &it.Reason); err != nil {
			return nil, err
		}
		if r := out[id]; r != nil {
			r.Items = append(r.Items, it)
		}
	}
	return out, rows.Err()
}

// OpenRequest is the supplement request the dossier now waits on (it is
// returned at reception or waiting for a supplement during processing),
// from its history; nil otherwise.
func (d *Dossier) OpenRequest() *SupplementRequest {
	if d.Status != Returned && d.Status != SupplementRequested {
		return nil
	}
	for i := len(d.History) - 1; i >= 0; i-- {
		if d.History[i].Action == RequestSupplement {
			return d.History[i].Request
		}
	}
	return nil
}
