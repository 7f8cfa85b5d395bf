package dossier_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vntext"
)

// inboxWorld is the demo world with dossiers bulk-loaded at Gia Lâm and
// at a neighbouring commune, whose deadlines tie in threes and some of
// which have none, and one filed through the services.
type inboxWorld struct {
	world
	named    map[string]string // applicant name → code, the Gia Lâm ones
	gialam   []string          // the codes of the bulk-loaded Gia Lâm dossiers
	other    string            // "Nguyễn Văn A" at the other commune, outside Gia Lâm's scope
	filed    string            // submitted through Submit, not bulk
	gialamID int64
}

func newInboxWorld(t *testing.T, db *store.DB) inboxWorld {
	t.Helper()
	ctx := t.Context()
	w := inboxWorld{world: newWorld(t, db), named: map[string]string{}}
	gl, err := w.units.ByCode(ctx, demo.GiaLamCode)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := w.units.ByCode(ctx, "000.02.07.H40")
	if err != nil {
		t.Fatal(err)
	}
	w.gialamID = gl.ID
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).UnixMilli()
	names := []string{"Nguyễn Văn A", "Nguyễn Văn Anh", "Trần Thị Bình", "Lê Văn Hoa", "Đỗ Thị Đào"}
	var ds []dossier.BulkDossier
	for i := range 26 {
		unitID, name := gl.ID, fmt.Sprintf("Phạm Văn Người %d", i)
		if i < len(names) {
			name = names[i]
		}
		if i == 25 {
			unitID, name = nb.ID, "Nguyễn Văn A"
		}
		d := dossier.BulkDossier{
			Code:      fmt.Sprintf("000.04.07.H40-2603%02d-%04d", 1+i%3, i+1),
			Procedure: w.proc.Code, ProcedureVersion: 1, ReceivingUnit: unitID, Unit: unitID,
			Channel: "online", Status: dossier.Processing, Applicant: dossier.Applicant{Name: name, IDNumber: fmt.Sprintf("0370850%05d", i)},
			Form: "{}", Delivery: "counter", TrackToken: fmt.Sprintf("t%d", i),
			SubmittedAt: base, ReceivedAt: base,
		}
		// Deadlines tie in threes; every fifth dossier has none.
		if i%5 != 4 {
			d.DueAt = base + int64(i/3)*int64(time.Hour/time.Millisecond)
		}
		ds = append(ds, d)
		if i == 25 {
			w.other = d.Code
			continue
		}
		w.gialam = append(w.gialam, d.Code)
		if i < len(names) {
			w.named[name] = d.Code
		}
	}
	l, err := dossier.NewBulkLoader(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Load(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	w.filed = submit(t, w.world, w.citizen, dossier.Applicant{Name: "Hoàng Thị Thuỳ Dương", Phone: "0987001122"}).Code
	return w
}

// prefixed are the Gia Lâm codes that begin with p.
func (w inboxWorld) prefixed(p string) []string {
	var out []string
	for _, c := range w.gialam {
		if strings.HasPrefix(c, p) {
			out = append(out, c)
		}
	}
	return out
}

func codes(ds []*dossier.Dossier) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}

// TestSearchIsAccentFreeAndScoped: an officer's search finds dossiers by
// the words of the applicant's name typed without accents, by the
// beginning of a code or of its parts, by ID number and phone — dossiers
// bulk-loaded and filed alike, so the index follows both writing paths —
// and only among the dossiers the officer may read.
func TestSearchIsAccentFreeAndScoped(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newInboxWorld(t, db)
		cases := []struct {
			name, q string
			want    []string
		}{
			{"accent-free name, the last word a prefix", "nguyen van a", []string{w.named["Nguyễn Văn A"], w.named["Nguyễn Văn Anh"]}},
			{"the name with its accents", "Nguyễn Văn Anh", []string{w.named["Nguyễn Văn Anh"]}},
			{"đ folds to d", "do thi dao", []string{w.named["Đỗ Thị Đào"]}},
			{"a word's middle is not a match", "guyen", nil},
			{"only the last word may be a beginning", "nguy van", nil},
			{"the last word's beginning", "le van h", []string{w.named["Lê Văn Hoa"]}},
			{"code prefix", "000.04.07.H40-260302", w.prefixed("000.04.07.H40-260302")},
			{"a code's later parts", "260301-0004", []string{w.named["Lê Văn Hoa"]}},
			{"the whole code, upper case", "000.04.07.H40-260303-0003", []string{w.named["Trần Thị Bình"]}},
			{"ID number prefix", "037085000002", []string{w.named["Trần Thị Bình"]}},
			{"filed through Submit", "duong 0987001122", []string{w.filed}},
			{"nothing", "zzz", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := w.ds.List(t.Context(), w.reception, dossier.Filter{Query: c.q, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if g := codes(got); !sameSet(g, c.want) {
					t.Errorf("q=%q: %v, want %v", c.q, g, c.want)
				}
			})
		}
		// The district's inspector reads every commune: there the other
		// commune's Nguyễn Văn A is found too.
		huyen, err := w.au(t).UserByName(t.Context(), "huyen.giamsat")
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.ds.List(t.Context(), huyen, dossier.Filter{Query: "nguyen van a", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{w.named["Nguyễn Văn A"], w.named["Nguyễn Văn Anh"], w.other}; !sameSet(codes(got), want) {
			t.Errorf("district: %v, want %v", codes(got), want)
		}
	})
}

// au is an auth service on w's database, to read its accounts.
func (w inboxWorld) au(t *testing.T) *auth.Service {
	return auth.NewService(w.db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: w.units})
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSearchIndexFollowsUpdatesAndDeletes: the index changes in the
// transaction that changes the row (its triggers and OnCommit work on
// SQLite, the engine's own index on PostgreSQL): new words are found, old
// ones no longer.
func TestSearchIndexFollowsUpdatesAndDeletes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newInboxWorld(t, db)
		find := func(q string) []string {
			t.Helper()
			got, err := w.ds.List(ctx, w.reception, dossier.Filter{Query: q, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return codes(got)
		}
		code := w.named["Lê Văn Hoa"]
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE dossiers SET search = ? WHERE code = ?`, "000.04.07.h40-260301-0004 le van hong", code)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := find("le van hong"); !slices.Equal(got, []string{code}) {
			t.Errorf("after the update, the new name finds %v, want %v", got, []string{code})
		}
		if got := find("le van hoa"); len(got) != 0 {
			t.Errorf("after the update, the old name still finds %v", got)
		}
		other := w.named["Trần Thị Bình"]
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM dossiers WHERE code = ?`, other)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := find("tran thi binh"); len(got) != 0 {
			t.Errorf("a deleted dossier is still found: %v", got)
		}
	})
}

// TestInboxKeysetWalk: walking the inbox a page at a time with the next
// cursor, or with offsets, gives every dossier exactly once in the inbox's
// order — deadline soonest first, ties by code, those with no deadline
// last — whatever the page size, including pages that end exactly where
// the dossiers with no deadline begin.
func TestInboxKeysetWalk(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newInboxWorld(t, db)
		all, err := w.ds.List(ctx, w.reception, dossier.Filter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b *dossier.Dossier) int {
			switch {
			case a.DueAt == nil && b.DueAt != nil:
				return 1
			case a.DueAt != nil && b.DueAt == nil:
				return -1
			case a.DueAt != nil && !a.DueAt.Equal(*b.DueAt):
				return a.DueAt.Compare(*b.DueAt)
			}
			return compare(a.Code, b.Code)
		})
		if len(all) != 26 || !slices.Equal(codes(all), codes(want)) {
			t.Fatalf("first page of 200: %v, want the 25 Gia Lâm dossiers and the one filed, in order %v", codes(all), codes(want))
		}
		for _, status := range []dossier.State{"", dossier.Processing} {
			for limit := 1; limit <= 7; limit++ {
				t.Run(fmt.Sprintf("status %q, pages of %d", status, limit), func(t *testing.T) {
					var byCursor, byOffset []string
					var after *dossier.ListKey
					for page := 0; page < 40; page++ {
						got, err := w.ds.List(ctx, w.reception, dossier.Filter{Status: status, Limit: limit, After: after})
						if err != nil {
							t.Fatal(err)
						}
						byCursor = append(byCursor, codes(got)...)
						if len(got) < limit {
							break
						}
						if after, err = dossier.ParseCursor(dossier.Cursor(got[len(got)-1])); err != nil {
							t.Fatal(err)
						}
					}
					for off := 0; off < 200; off += limit {
						got, err := w.ds.List(ctx, w.reception, dossier.Filter{Status: status, Limit: limit, Offset: off})
						if err != nil {
							t.Fatal(err)
						}
						byOffset = append(byOffset, codes(got)...)
						if len(got) < limit {
							break
						}
					}
					var exp []string
					for _, d := range want {
						if status == "" || d.Status == status {
							exp = append(exp, d.Code)
						}
					}
					if !slices.Equal(byCursor, exp) {
						t.Errorf("by cursor: %v\nwant        %v", byCursor, exp)
					}
					if !slices.Equal(byOffset, exp) {
						t.Errorf("by offset: %v\nwant       %v", byOffset, exp)
					}
				})
			}
		}
	})
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestSearchPagesFollowTheInboxOrder: a search's pages, walked by cursor
// and by offset, are exactly the dossiers of the asker's inbox whose text
// holds the query's words, in the inbox's order (deadline, none last,
// then code; the world's deadlines tie in threes). On SQLite the pages are
// read in the index's order (search_order.go) in one read or in reads of
// a few hits, which must carry on through a tie past the page's end, or
// are left to searchWhere when the hits' budget is spent; on PostgreSQL
// from the deadline order walked or the GIN index's hits sorted
// (search_rows.go); for a commune's desk, for the district's inspector,
// and with a unit filter.
func TestSearchPagesFollowTheInboxOrder(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newInboxWorld(t, db)
		huyen, err := w.au(t).UserByName(ctx, "huyen.giamsat")
		if err != nil {
			t.Fatal(err)
		}
		queries := []string{"nguyen van a", "van", "nguyen", "pham van nguoi", "000.04.07.H40-2603", "h40 2603", "0370850", "thi", "a", "nguoi 1", "le van h", "zzz"}
		// On SQLite the reads in the index's order; on PostgreSQL the two
		// ways searchRows may take.
		walks := []struct {
			name               string
			first, budget, way int
		}{{"one read, as estimated", 64, 2048, 0}, {"reads of a few hits, the order walked", 1, 2048, 1}, {"budget spent, the hits sorted", 1, 3, -1}}
		askers := []struct {
			name  string
			actor *auth.Actor
			f     dossier.Filter
		}{
			{"commune desk", w.reception, dossier.Filter{}},
			{"district inspector", huyen, dossier.Filter{}},
			{"inspector, one commune", huyen, dossier.Filter{Unit: demo.GiaLamCode}},
		}
		for _, walk := range walks {
			dossier.SetSearchWalk(w.ds, walk.first, walk.budget)
			dossier.SetPGSearchWay(w.ds, walk.way)
			for _, as := range askers {
				f := as.f
				f.Limit = 200
				inbox, err := w.ds.List(ctx, as.actor, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range queries {
					var want []string
					for _, d := range inbox {
						if holdsWords(d, q) {
							want = append(want, d.Code)
						}
					}
					for _, limit := range []int{2, 3, 50} {
						var byCursor, byOffset []string
						var after *dossier.ListKey
						for page := 0; page < 30; page++ {
							f := as.f
							f.Query, f.Limit, f.After = q, limit, after
							got, err := w.ds.List(ctx, as.actor, f)
							if err != nil {
								t.Fatal(err)
							}
							byCursor = append(byCursor, codes(got)...)
							if len(got) < limit {
								break
							}
							if after, err = dossier.ParseCursor(dossier.Cursor(got[limit-1])); err != nil {
								t.Fatal(err)
							}
						}
						for off := 0; off < 60; off += limit {
							f := as.f
							f.Query, f.Limit, f.Offset = q, limit, off
							got, err := w.ds.List(ctx, as.actor, f)
							if err != nil {
								t.Fatal(err)
							}
							if byOffset = append(byOffset, codes(got)...); len(got) < limit {
								break
							}
						}
						if !slices.Equal(byCursor, want) || !slices.Equal(byOffset, want) {
							t.Errorf("%s, %s, q=%q, pages of %d:\n by cursor %v\n by offset %v\n want      %v", walk.name, as.name, q, limit, byCursor, byOffset, want)
						}
					}
				}
			}
		}
	})
}

// holdsWords is the search's promise (dossier.searchWords) tested in Go:
// each term of q, as words, is a run of whole words of the dossier's code,
// name, ID number and phone, folded, and the last term's last word may be
// a word's beginning.
func holdsWords(d *dossier.Dossier, q string) bool {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	text := " " + strings.Join(split(vntext.Fold(strings.Join([]string{d.Code, d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone}, " "))), " ") + " "
	terms := vntext.Terms(q)
	for i, term := range terms {
		want := " " + strings.Join(split(term), " ")
		if i < len(terms)-1 {
			want += " "
		}
		if !strings.Contains(text, want) {
			return false
		}
	}
	return len(terms) > 0
}
