package document_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestIncomingPath follows an electronic document from the province
// through the district: the clerk registers it (its signature checked on
// arrival), the leader assigns it to Gia Lâm with the district as
// coordinating unit and a deadline, Gia Lâm's leader names the
// specialist, the specialist and the coordinating unit record progress,
// the specialist completes it. Each step is refused to those the
// lifecycle table does not give it, lands in the trail and publishes its
// event; the queues show it to the one whose turn it is.
func TestIncomingPath(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	signed, err := sign.Sign(t.Context(), signtest.PDF(signtest.PDFOptions{}), ca.Signer(t, 0, "UBND tỉnh Ninh Bình", "UBND tỉnh Ninh Bình"),
		sign.Options{Appearance: sign.Appearance{Kind: sign.Invisible}})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, func(c *document.Config) { c.Trust = ca.Pool() })
		in := paper("25")
		in.Medium = document.Electronic
		in.File = &document.FileInput{Name: "25-UBND-VX.pdf", ContentType: "application/pdf", Content: signed}
		d, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), in)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != document.StateRegistered || d.ArrivalNumber != 1 || d.Register != document.RegisterIncoming || d.NumberSymbol != "25/UBND-VX" {
			t.Fatalf("registered: %+v", d)
		}
		got, err := w.docs.Get(ctx, w.actor(t, "huyen.lanhdao"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SignatureStatus != document.SignatureValid || len(got.Signatures) != 1 || !got.Signatures[0].Valid || len(got.Files) != 1 || got.Files[0].Kind != document.FileOriginal {
			t.Fatalf("signature check on arrival: %s %+v files %+v", got.SignatureStatus, got.Signatures, got.Files)
		}
		if !slices.Equal(got.Actions, []document.Action{document.ActionAssign, document.ActionReturn}) {
			t.Fatalf("leader's actions: %v", got.Actions)
		}
		queue := func(name string) []int64 {
			t.Helper()
			p, err := w.docs.List(ctx, w.actor(t, name), document.Filter{Mine: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range p.Documents {
				ids = append(ids, x.ID)
			}
			return ids
		}
		mine := []int64{d.ID}
		steps := []struct {
			name string
			// who acts; refused lists those who may see the document but
			// whom the table refuses the same act.
			who, refused string
			act          func(name string) (*document.Document, error)
			want         document.State
			// queued is whose queue holds the document after the step.
			queued string
		}{
			{"the leader assigns", "huyen.lanhdao", "huyen.vanthu", func(n string) (*document.Document, error) {
				return w.docs.Assign(ctx, w.actor(t, n), d.ID, document.AssignInput{Version: 1, Instruction: "Giao UBND xã Gia Lâm chủ trì, Phòng phối hợp.",
					LeadUnit: demo.GiaLamCode, Coordinators: []string{demo.DistrictCode}, Deadline: "2026-03-10"})
			}, document.StateAssigned, "gialam.lanhdao"},
			{"the lead unit names the specialist", "gialam.lanhdao", "huyen.chuyenvien", func(n string) (*document.Document, error) {
				return w.docs.AssignSpecialist(ctx, w.actor(t, n), d.ID, document.SpecialistInput{Specialist: "gialam.chuyenvien"})
			}, document.StateProcessing, "gialam.chuyenvien"},
			{"the specialist records progress", "gialam.chuyenvien", "gialam.vanthu", func(n string) (*document.Document, error) {
				return w.docs.Process(ctx, w.actor(t, n), d.ID, document.NoteInput{Note: "Đã xây dựng dự thảo kế hoạch."})
			}, document.StateProcessing, "gialam.chuyenvien"},
			{"the coordinating unit records progress", "huyen.chuyenvien", "huyen.vanthu", func(n string) (*document.Document, error) {
				return w.docs.Process(ctx, w.actor(t, n), d.ID, document.NoteInput{Note: "Phòng đã góp ý."})
			}, document.StateProcessing, "gialam.chuyenvien"},
			{"the specialist completes", "gialam.chuyenvien", "huyen.chuyenvien", func(n string) (*document.Document, error) {
				return w.docs.Complete(ctx, w.actor(t, n), d.ID, document.NoteInput{Note: "Đã ban hành kế hoạch số 12/KH-UBND."})
			}, document.StateCompleted, ""},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if _, err := s.act(s.refused); !errors.Is(err, problem.ErrNotPermitted) {
					t.Fatalf("%s: want not permitted, got %v", s.refused, err)
				}
				if _, err := s.act("khac.lanhdao"); !errors.Is(err, problem.ErrNotFound) {
					t.Fatalf("another commune's leader: want not found, got %v", err)
				}
				got, err := s.act(s.who)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != s.want {
					t.Fatalf("state %s, want %s", got.State, s.want)
				}
				if s.queued != "" && !slices.Equal(queue(s.queued), mine) {
					t.Fatalf("%s's queue: %v", s.queued, queue(s.queued))
				}
			})
		}
		got, err = w.docs.Get(ctx, w.actor(t, "huyen.lanhdao"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range got.Trail {
			trail = append(trail, string(e.Action)+":"+string(e.To))
		}
		want := []string{"register:registered", "assign:assigned", "assign_specialist:processing", "process:processing", "process:processing", "complete:completed"}
		if !slices.Equal(trail, want) {
			t.Fatalf("trail %v, want %v", trail, want)
		}
		if a := got.Assignment; a == nil || a.LeadUnit != demo.GiaLamCode || a.Specialist != "gialam.chuyenvien" || !slices.Equal(a.Coordinators, []string{demo.DistrictCode}) || a.Deadline != "2026-03-10" {
			t.Fatalf("assignment: %+v", got.Assignment)
		}
		if got.CompletedAt.IsZero() || got.Overdue {
			t.Fatalf("completed at %v, overdue %v", got.CompletedAt, got.Overdue)
		}
		events := []string{"Registered", "Assigned", "SpecialistAssigned", "Processed", "Processed", "Completed"}
		if !slices.Equal(w.events.list(), events) {
			t.Fatalf("events %v, want %v", w.events.list(), events)
		}
	})
}

// TestOverdueQueue: the specialist's queue flags a document past its
// assignment's deadline (Vietnam's calendar) as overdue, and not before.
func TestOverdueQueue(t *testing.T) {
	w := newWorld(t, storetest.Open(t, "sqlite"), nil)
	ctx := t.Context()
	d, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), paper("07"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.docs.Assign(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.AssignInput{Instruction: "Xử lý.", LeadUnit: demo.DistrictCode, Deadline: "2026-03-10"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.docs.AssignSpecialist(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.SpecialistInput{Specialist: "huyen.chuyenvien"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at      time.Time
		overdue bool
	}{
		{time.Date(2026, 3, 10, 23, 59, 0, 0, calendar.Zone), false},
		{time.Date(2026, 3, 11, 0, 1, 0, 0, calendar.Zone), true},
	} {
		w.clock.Set(c.at)
		p, err := w.docs.List(ctx, w.actor(t, "huyen.chuyenvien"), document.Filter{Mine: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Documents) != 1 || p.Documents[0].Overdue != c.overdue || p.Documents[0].Deadline != "2026-03-10" {
			t.Fatalf("at %v: %+v", c.at, p.Documents)
		}
	}
}

// TestDuplicateWarning: the same number, symbol and issuer registered
// again in the year is a warning the clerk may override; another symbol,
// another issuer or another year is not a duplicate.
func TestDuplicateWarning(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		clerk := w.actor(t, "huyen.vanthu")
		first, err := w.docs.RegisterIncoming(ctx, clerk, paper("12"))
		if err != nil {
			t.Fatal(err)
		}
		otherIssuer := paper("12")
		otherIssuer.Sender = document.Organ{OrganID: "000.00.01.H40", Name: "Sở Nội vụ tỉnh Ninh Bình"}
		otherSymbol := paper("12")
		otherSymbol.CodeNotation = "KH-UBND"
		sameByName := paper("12")
		sameByName.Sender.OrganID = ""
		override := paper("12")
		override.AllowDuplicate = true
		cases := []struct {
			name string
			in   document.Incoming
			dup  bool
		}{
			{"same number, symbol and issuer", paper("12"), true},
			{"same issuer by name, no agency code", sameByName, true},
			{"another issuer", otherIssuer, false},
			{"another symbol", otherSymbol, false},
			{"confirmed by the clerk", override, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d, err := w.docs.RegisterIncoming(ctx, clerk, c.in)
				var pe *problem.Error
				if c.dup {
					if !errors.As(err, &pe) || pe.Code != "document_duplicate" || !errors.Is(err, problem.ErrConflict) || len(pe.Params) != 1 || pe.Params[0] != first.ArrivalNumber {
						t.Fatalf("want the duplicate warning naming arrival number %d, got %v", first.ArrivalNumber, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.in.AllowDuplicate && d.DuplicateOf != first.ID {
					t.Fatalf("duplicate_of %d, want %d", d.DuplicateOf, first.ID)
				}
			})
		}
		w.clock.Set(time.Date(2027, 1, 4, 8, 0, 0, 0, calendar.Zone))
		if _, err := w.docs.RegisterIncoming(ctx, clerk, paper("12")); err != nil {
			t.Fatalf("next year: %v", err)
		}
	})
}

// TestDocumentScope: officers of another commune neither see nor act on
// the district's documents; a commune's clerk cannot register at the
// district; the district's supervisor reads the documents of a commune
// below; reception and admin hold no document right.
func TestDocumentScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		d, err := w.docs.RegisterIncoming(ctx, w.actor(t, "huyen.vanthu"), paper("03"))
		if err != nil {
			t.Fatal(err)
		}
		gl := paper("04")
		gl.Unit = demo.GiaLamCode
		g, err := w.docs.RegisterIncoming(ctx, w.actor(t, "gialam.vanthu"), gl)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"khac.lanhdao", "khac.vanthu", "khac.chuyenvien", "gialam.lanhdao", "huyen.tiepnhan", "huyen.quantri"} {
			t.Run(name+" cannot read the district's document", func(t *testing.T) {
				if _, err := w.docs.Get(ctx, w.actor(t, name), d.ID); !errors.Is(err, problem.ErrNotFound) {
					t.Fatalf("get: %v", err)
				}
				p, err := w.docs.List(ctx, w.actor(t, name), document.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range p.Documents {
					if x.ID == d.ID {
						t.Fatal("listed")
					}
				}
				if _, err := w.docs.Assign(ctx, w.actor(t, name), d.ID, document.AssignInput{Instruction: "x", LeadUnit: demo.DistrictCode}); !errors.Is(err, problem.ErrNotFound) {
					t.Fatalf("assign: %v", err)
				}
			})
		}
		for _, name := range []string{"gialam.vanthu", "khac.vanthu", "huyen.lanhdao"} {
			t.Run(name+" cannot register at the district", func(t *testing.T) {
				if _, err := w.docs.RegisterIncoming(ctx, w.actor(t, name), paper("99")); !errors.Is(err, problem.ErrForbidden) {
					t.Fatalf("register: %v", err)
				}
			})
		}
		t.Run("the supervisor reads below", func(t *testing.T) {
			for _, id := range []int64{d.ID, g.ID} {
				if _, err := w.docs.Get(ctx, w.actor(t, "huyen.giamsat"), id); err != nil {
					t.Fatal(err)
				}
			}
		})
		t.Run("a lead unit outside the organ is refused", func(t *testing.T) {
			_, err := w.docs.Assign(ctx, w.actor(t, "gialam.lanhdao"), g.ID, document.AssignInput{Instruction: "x", LeadUnit: demo.DistrictCode})
			if !errors.Is(err, problem.ErrInvalid) {
				t.Fatalf("assign to the parent: %v", err)
			}
		})
	})
}
