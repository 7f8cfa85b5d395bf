package report

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// The documents report (quản lý văn bản, issue 14): for a unit and the
// units below it, over a period [Start, End):
//
//   - By state and unit: the documents made in the period (an incoming
//     one registered, an outgoing one drafted: created_at in the period),
//     counted under their organ (the unit whose register holds them) by
//     their state now.
//   - Overdue: every open document of those organs (incoming not
//     completed, outgoing not issued), made in any period, whose deadline
//     — the current assignment's, else the due date — is a day before
//     today in Vietnam. Listed oldest deadline first.
//   - Handled entirely online (xử lý hoàn toàn trên môi trường mạng): of
//     the documents finished in the period — an incoming one completed
//     (completed_at in the period), an outgoing one issued (issued_at in
//     the period) — those document.HandledOnline says were (the module's
//     rule, not redefined here: received or issued electronically).
//     Share = online ÷ finished, a percentage; with nothing finished it
//     is 0 and Finished says so.

// DocumentStates are the states in the report's column order.
var DocumentStates = []string{"registered", "assigned", "processing", "completed", "drafting", "reviewing", "approving", "approved", "issued"}

// DocumentUnit is one organ's line of the documents report.
type DocumentUnit struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
	// ByState counts the period's documents by their state now.
	ByState  map[string]int `json:"by_state"`
	In       int            `json:"incoming"`
	Out      int            `json:"outgoing"`
	Total    int            `json:"total"`
	Overdue  int            `json:"overdue"`
	Finished int            `json:"finished"`
	Online   int            `json:"online"`
	// OnlineShare is Online ÷ Finished in percent, one decimal.
	OnlineShare float64 `json:"online_share"`
}

// OverdueDocument is one open document past its deadline.
type OverdueDocument struct {
	ID           int64  `json:"id"`
	Unit         string `json:"unit"`
	Direction    string `json:"direction"`
	State        string `json:"state"`
	NumberSymbol string `json:"number_symbol,omitempty"`
	// Subject is empty for a secret document (secrecy > 0): a report
	// reader is not one of those who act on it (docs/documents.md), so
	// the line says only that a secret document is late.
	Subject  string `json:"subject"`
	Secret   bool   `json:"secret,omitempty"`
	Deadline string `json:"deadline"`
	// DaysLate counts calendar days from the deadline to today.
	DaysLate int `json:"days_late"`
}

// DocumentsReport is the documents report of a unit for a period.
type DocumentsReport struct {
	Unit    string            `json:"unit"`
	From    string            `json:"from"`
	To      string            `json:"to"`
	Today   string            `json:"today"`
	Units   []DocumentUnit    `json:"units"`
	Total   DocumentUnit      `json:"total"`
	Overdue []OverdueDocument `json:"overdue"`
}

// Documents builds the documents report of the unit rootID and the units
// below it for period p, judging deadlines on the day of now in Vietnam.
func (s *Reader) Documents(ctx context.Context, rootID int64, p Period, now time.Time) (*DocumentsReport, error) {
	ids, err := unit.Below(ctx, s.db.Replica(ctx), []int64{rootID})
	if err != nil {
		return nil, err
	}
	today := now.In(vietnam).Format(time.DateOnly)
	rep := &DocumentsReport{From: p.From, To: p.To, Today: today, Units: []DocumentUnit{}, Overdue: []OverdueDocument{},
		Total: DocumentUnit{ByState: map[string]int{}}}
	args := make([]any, 0, len(ids)+4)
	for _, id := range ids {
		args = append(args, id)
	}
	in := `(` + store.Placeholders(len(ids)) + `)`
	start, end := p.Start.UnixMilli(), p.End.UnixMilli()
	if !p.End.Before(now) {
		end = now.UnixMilli() + 1 // a period cut at now includes now
	}
	// One pass over the organs' documents: the period's counts, the open
	// ones' deadlines and the finished ones' medium.
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.id, d.unit_id, u.code, u.name, d.direction, d.state, d.medium, d.created_at,
		COALESCE(d.completed_at, 0), COALESCE(d.issued_at, 0), d.code_number, d.code_notation, d.subject, d.secrecy,
		COALESCE(NULLIF(x.deadline, ''), d.due_date)
		FROM documents d JOIN units u ON u.id = d.unit_id LEFT JOIN document_assignments x ON x.id = d.assignment_id
		WHERE d.unit_id IN `+in+` ORDER BY u.code, d.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lines := map[string]*DocumentUnit{}
	line := func(code, name string) *DocumentUnit {
		if l, ok := lines[code]; ok {
			return l
		}
		l := &DocumentUnit{Unit: code, Name: name, ByState: map[string]int{}}
		lines[code] = l
		return l
	}
	for rows.Next() {
		var id, unitID, created, completed, issued, secrecy int64
		var code, name, dir, state, medium, number, notation, subject, deadline string
		if err := rows.Scan(&id, &unitID, &code, &name, &dir, &state, &medium, &created, &completed, &issued,
			&number, &notation, &subject, &secrecy, &deadline); err != nil {
			return nil, err
		}
		l := line(code, name)
		if created >= start && created < end {
			l.ByState[state]++
			l.Total++
			if dir == "in" {
				l.In++
			} else {
				l.Out++
			}
		}
		open := state != "completed" && state != "issued"
		if open && deadline != "" && deadline < today {
			l.Overdue++
			o := OverdueDocument{ID: id, Unit: code, Direction: dir, State: state, Subject: subject, Deadline: deadline, DaysLate: daysBetween(deadline, today)}
			if number != "" {
				o.NumberSymbol = number + "/" + notation
			}
			if secrecy > 0 {
				o.Subject, o.Secret = "", true
			}
			rep.Overdue = append(rep.Overdue, o)
		}
		finished := completed
		if dir == "out" {
			finished = issued
		}
		if !open && finished >= start && finished < end {
			l.Finished++
			if document.HandledOnline(dir, document.State(state), medium) {
				l.Online++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(lines))
	for c := range lines {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	t := &rep.Total
	for _, c := range codes {
		l := lines[c]
		l.OnlineShare = share(l.Online, l.Finished)
		rep.Units = append(rep.Units, *l)
		for k, v := range l.ByState {
			t.ByState[k] += v
		}
		t.In, t.Out, t.Total, t.Overdue = t.In+l.In, t.Out+l.Out, t.Total+l.Total, t.Overdue+l.Overdue
		t.Finished, t.Online = t.Finished+l.Finished, t.Online+l.Online
	}
	t.OnlineShare = share(t.Online, t.Finished)
	slices.SortStableFunc(rep.Overdue, func(a, b OverdueDocument) int {
		return strings.Compare(a.Deadline, b.Deadline)
	})
	return rep, nil
}

// share is n ÷ of in percent rounded to one decimal (half up), 0 when of is 0.
func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64((n*1000*2+of)/(of*2)) / 10
}

func daysBetween(from, to string) int {
	a, err1 := time.ParseInLocation(time.DateOnly, from, vietnam)
	b, err2 := time.ParseInLocation(time.DateOnly, to, vietnam)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}
