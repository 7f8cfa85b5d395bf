package report_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// doc is a test document as package document would have left it.
type doc struct {
	unit, dir, state, medium string
	created, completed       string // "YYYY-MM-DD HH:MM" in Vietnam; completed is also issued_at for "out"
	due, deadline            string // due date; the current assignment's deadline
	signed                   bool   // the leader's signed file
	number                   string
}

// docUnits makes a province with communes A and B below it.
func docUnits(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	units := unit.New(db, unit.Config{Now: func() time.Time { return at(t, "2025-01-01 00:00") }})
	ids := map[string]int64{}
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		for _, u := range []struct {
			u      unit.Unit
			parent string
		}{
			{unit.Unit{Code: provCode, Name: "UBND tỉnh Ninh Bình", Level: unit.Province}, ""},
			{unit.Unit{Code: aCode, Name: "UBND xã A", Level: unit.Commune}, provCode},
			{unit.Unit{Code: bCode, Name: "UBND xã B", Level: unit.Commune}, provCode},
		} {
			got, err := units.Create(t.Context(), tx, u.u, u.parent)
			if err != nil {
				return err
			}
			ids[got.Code] = got.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// mkDocs writes the documents (the report reads them; writing them is
// package document's, imitated here).
func mkDocs(t *testing.T, db *store.DB, ids map[string]int64, docs []doc) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range docs {
			created := at(t, d.created).UnixMilli()
			var completed, issued any
			if d.completed != "" {
				if d.dir == "in" {
					completed = at(t, d.completed).UnixMilli()
				} else {
					issued = at(t, d.completed).UnixMilli()
				}
			}
			medium := d.medium
			if medium == "" {
				// As Issue leaves it: sealed (after the leader's
				// signature) is electronic, issued unsigned is paper.
				medium = "electronic"
				if d.dir == "out" && d.state == "issued" && !d.signed {
					medium = "paper"
				}
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, state, medium, type_code, subject, due_date, code_number, code_notation,
				created_at, updated_at, completed_at, issued_at) VALUES (?, ?, ?, ?, 'CV', 'Văn bản thử', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				ids[d.unit], d.dir, d.state, medium, d.due, d.number, map[bool]string{true: "UBND-VX"}[d.number != ""], created, created, completed, issued).Scan(&id); err != nil {
				return err
			}
			if d.deadline != "" {
				var x int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO document_assignments (document_id, instruction, lead_unit_id, deadline, at)
					VALUES (?, 'Xử lý', ?, ?, ?) RETURNING id`, id, ids[d.unit], d.deadline, created).Scan(&x); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE documents SET assignment_id = ? WHERE id = ?`, x, id); err != nil {
					return err
				}
			}
			if d.signed {
				if _, err := tx.ExecContext(ctx, `INSERT INTO document_files (document_id, kind, name, content_type, size, sha256, content, at)
					VALUES (?, 'signed', 'x.pdf', 'application/pdf', 1, '00', ?, ?)`, id, []byte("x"), created); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDocumentsReport computes the report of a known set of documents:
// counts by state and organ for the period, the overdue list judged on
// Vietnam's day, the share handled entirely online — for the province
// (both communes) and for commune A alone.
func TestDocumentsReport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ids := docUnits(t, db)
		mkDocs(t, db, ids, []doc{
			// A: two incoming completed (electronic: online; paper: not).
			{unit: aCode, dir: "in", state: "completed", created: "2026-03-02 08:00", completed: "2026-03-05 10:00"},
			{unit: aCode, dir: "in", state: "completed", medium: "paper", created: "2026-03-02 09:00", completed: "2026-03-06 10:00"},
			// A: in progress, the assignment's deadline yesterday: overdue
			// (the due date, later, does not count once assigned).
			{unit: aCode, dir: "in", state: "processing", created: "2026-03-03 08:00", due: "2026-03-20", deadline: "2026-03-09"},
			// A: due today: not overdue yet.
			{unit: aCode, dir: "in", state: "registered", created: "2026-03-04 08:00", due: "2026-03-10"},
			// A: issued signed (online) and issued unsigned (not).
			{unit: aCode, dir: "out", state: "issued", created: "2026-03-02 08:00", completed: "2026-03-04 15:00", signed: true, number: "05"},
			{unit: aCode, dir: "out", state: "issued", created: "2026-03-02 08:30", completed: "2026-03-04 16:00", number: "06"},
			// A: a draft due on 1 March: overdue 9 days.
			{unit: aCode, dir: "out", state: "drafting", created: "2026-03-01 08:00", due: "2026-03-01"},
			// B: completed electronic and issued signed in the period: online.
			{unit: bCode, dir: "in", state: "completed", created: "2026-03-02 08:00", completed: "2026-03-09 23:30"},
			{unit: bCode, dir: "out", state: "issued", created: "2026-03-03 08:00", completed: "2026-03-03 09:00", signed: true, number: "01"},
			// B: finished the minute before the period began (28 February
			// 23:59 in Vietnam): not in the period's share.
			{unit: bCode, dir: "in", state: "completed", created: "2026-02-20 08:00", completed: "2026-02-28 23:59"},
			// B: from December, still assigned past its deadline: overdue,
			// not among the period's documents.
			{unit: bCode, dir: "in", state: "assigned", created: "2025-12-15 08:00", deadline: "2026-02-01"},
		})
		now := at(t, "2026-03-10 10:00")
		p, err := report.ReadPeriod("2026-03-01", "2026-03-31", now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := (report.New(db)).Documents(ctx, ids[provCode], p, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Units) != 2 || rep.Units[0].Unit != aCode || rep.Units[1].Unit != bCode {
			t.Fatalf("units: %+v", rep.Units)
		}
		a, b, tot := rep.Units[0], rep.Units[1], rep.Total
		wantA := map[string]int{"completed": 2, "processing": 1, "registered": 1, "issued": 2, "drafting": 1}
		if !maps.Equal(a.ByState, wantA) || a.In != 4 || a.Out != 3 || a.Total != 7 || a.Overdue != 2 || a.Finished != 4 || a.Online != 2 || a.OnlineShare != 50 {
			t.Fatalf("A: %+v", a)
		}
		if !maps.Equal(b.ByState, map[string]int{"completed": 1, "issued": 1}) || b.Total != 2 || b.Overdue != 1 || b.Finished != 2 || b.Online != 2 || b.OnlineShare != 100 {
			t.Fatalf("B: %+v", b)
		}
		if tot.Total != 9 || tot.In != 5 || tot.Out != 4 || tot.Overdue != 3 || tot.Finished != 6 || tot.Online != 4 || tot.OnlineShare != 66.7 ||
			tot.ByState["completed"] != 3 || tot.ByState["issued"] != 3 {
			t.Fatalf("total: %+v", tot)
		}
		var late []int
		var where []string
		for _, o := range rep.Overdue {
			late, where = append(late, o.DaysLate), append(where, o.Unit+" "+o.Deadline)
		}
		if !slices.Equal(where, []string{bCode + " 2026-02-01", aCode + " 2026-03-01", aCode + " 2026-03-09"}) || !slices.Equal(late, []int{37, 9, 1}) {
			t.Fatalf("overdue: %v %v", where, late)
		}
		// Vietnam's day: at 23:30 on 10 March in UTC it is already 11 March
		// in Vietnam, and the document due on the 10th is late.
		later := time.Date(2026, 3, 10, 17, 30, 0, 0, time.UTC)
		rep, err = report.New(db).Documents(ctx, ids[aCode], p, later)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Units) != 1 || rep.Total.Overdue != 3 || rep.Total.Finished != 4 || rep.Total.OnlineShare != 50 || rep.Today != "2026-03-11" {
			t.Fatalf("A alone, on 11 March: %+v", rep)
		}
	})
}

// TestDocumentsReportHidesSecretSubjects: a secret document that is late
// is counted and listed, but its subject stays out of the report, since a
// report reader is not one of those who act on it.
func TestDocumentsReportHidesSecretSubjects(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ids := docUnits(t, db)
		mkDocs(t, db, ids, []doc{
			{unit: aCode, dir: "in", state: "processing", created: "2026-03-03 08:00", deadline: "2026-03-05"},
			{unit: aCode, dir: "in", state: "processing", created: "2026-03-03 09:00", deadline: "2026-03-06"},
		})
		if _, err := db.ExecContext(ctx, `UPDATE documents SET secrecy = 1, subject = 'Kế hoạch mật' WHERE created_at = ?`,
			at(t, "2026-03-03 08:00").UnixMilli()); err != nil {
			t.Fatal(err)
		}
		now := at(t, "2026-03-10 10:00")
		p, err := report.ReadPeriod("2026-03-01", "2026-03-31", now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.New(db).Documents(ctx, ids[aCode], p, now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Overdue != 2 || len(rep.Overdue) != 2 {
			t.Fatalf("overdue: %+v", rep.Overdue)
		}
		secret, plain := rep.Overdue[0], rep.Overdue[1]
		if !secret.Secret || secret.Subject != "" || plain.Secret || plain.Subject != "Văn bản thử" {
			t.Fatalf("secret %+v, plain %+v", secret, plain)
		}
	})
}

// TestDocumentsOnlineShare: the seed district's year — 1,000 documents
// finished, 863 of them entirely online — reads 86.3%.
func TestDocumentsOnlineShare(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ids := docUnits(t, db)
		var docs []doc
		for i := range 1000 {
			d := doc{unit: aCode, created: "2026-02-02 08:00", completed: "2026-02-03 08:00"}
			switch {
			case i < 500: // incoming received electronically
				d.dir, d.state = "in", "completed"
			case i < 863: // outgoing signed and issued in the system
				d.dir, d.state, d.signed = "out", "issued", true
			case i < 950: // paper incoming
				d.dir, d.state, d.medium = "in", "completed", "paper"
			default: // issued on paper, signed by hand
				d.dir, d.state = "out", "issued"
			}
			docs = append(docs, d)
		}
		// Open documents do not enter the share.
		docs = append(docs, doc{unit: aCode, dir: "in", state: "processing", created: "2026-02-02 08:00"},
			doc{unit: bCode, dir: "out", state: "approved", created: "2026-02-02 08:00", signed: true})
		mkDocs(t, db, ids, docs)
		now := at(t, "2026-12-31 12:00")
		p, err := report.ReadPeriod("2026-01-01", "2026-12-31", now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.New(db).Documents(t.Context(), ids[provCode], p, now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Finished != 1000 || rep.Total.Online != 863 || rep.Total.OnlineShare != 86.3 || rep.Total.Total != 1002 {
			t.Fatalf("the year: %+v", rep.Total)
		}
	})
}

// TestDocumentsOnlineIsTheDocumentRule: the report does not write its own
// rule of "handled entirely online"; it counts what document.Service.Online
// counts. A one-stop result issued with its e-result (medium electronic,
// no leader's signed file in the document's files) and an outgoing
// document of a generated year (Service.Bulk) are online for the
// service, so for the report too; a signed draft issued on paper is not.
func TestDocumentsOnlineIsTheDocumentRule(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ids := docUnits(t, db)
		mkDocs(t, db, ids, []doc{
			{unit: aCode, dir: "out", state: "issued", medium: "electronic", created: "2026-02-02 08:00", completed: "2026-02-02 09:00"},
			{unit: bCode, dir: "out", state: "issued", medium: "paper", signed: true, created: "2026-02-02 08:00", completed: "2026-02-02 09:00"},
			{unit: aCode, dir: "in", state: "completed", created: "2026-02-02 08:00", completed: "2026-02-03 09:00"},
			{unit: bCode, dir: "in", state: "completed", medium: "paper", created: "2026-02-02 08:00", completed: "2026-02-03 09:00"},
		})
		now := at(t, "2026-12-31 12:00")
		p, err := report.ReadPeriod("2026-01-01", "2026-12-31", now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.New(db).Documents(t.Context(), ids[provCode], p, now)
		if err != nil {
			t.Fatal(err)
		}
		units := unit.New(db, unit.Config{Now: func() time.Time { return now }})
		total, online, err := document.New(db, units, document.Config{Now: func() time.Time { return now }}).Online(t.Context(), p.Start, p.End)
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || online != 2 || rep.Total.Finished != total || rep.Total.Online != online {
			t.Fatalf("the service counts %d of %d online, the report %d of %d", online, total, rep.Total.Online, rep.Total.Finished)
		}
		if len(rep.Units) != 2 || rep.Units[0].Online != 2 || rep.Units[1].Online != 0 {
			t.Fatalf("by unit (A: both online, B: neither): %+v", rep.Units)
		}
	})
}
