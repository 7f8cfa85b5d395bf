package audit_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// An officer's read of a dossier, download of its file and print of its
// forms each leave an entry; the applicant's own reads do not (finding 10
// of issue 8: no record of who read or downloaded personal data).
func TestOfficerReadsAreRecorded(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		citizen, desk := w.actor(demo.Citizen.Username), w.actor("gialam.tiepnhan")
		d := w.submit(t, demo.Citizen.Username, "online")
		f, err := w.ds.Upload(ctx, citizen, d.Code, "giay_to_tuy_than", "cccd.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ds.Act(ctx, desk, d.Code, dossier.Receive, dossier.ActInput{}); err != nil {
			t.Fatal(err)
		}
		fs, err := forms.New(db, w.ds, w.units, flatCalendar{}, forms.Config{Now: func() time.Time { return w.now }})
		if err != nil {
			t.Fatal(err)
		}
		reads := func() []string {
			t.Helper()
			rows, err := w.log.List(ctx, audit.Filter{Object: "dossier:" + d.Code})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range rows {
				if e.HistoryTable == "" { // not a transition
					out = append(out, e.Action+" "+e.ActorName+" "+e.Details)
				}
			}
			return out
		}
		// The applicant reads, downloads and prints: nothing is recorded.
		if _, err := w.ds.Read(ctx, citizen, d.Code); err != nil {
			t.Fatal(err)
		}
		if _, fh, err := w.ds.Open(ctx, citizen, d.Code, f.ID); err != nil {
			t.Fatal(err)
		} else {
			fh.Close()
		}
		if _, err := fs.Dossier(ctx, citizen, d.Code, forms.Receipt, "http://x"); err != nil {
			t.Fatal(err)
		}
		if got := reads(); len(got) != 0 {
			t.Fatalf("the applicant's own reads were recorded: %v", got)
		}
		// The desk officer's are, each once, under their name.
		if _, err := w.ds.Read(ctx, desk, d.Code); err != nil {
			t.Fatal(err)
		}
		if _, fh, err := w.ds.Open(ctx, desk, d.Code, f.ID); err != nil {
			t.Fatal(err)
		} else {
			fh.Close()
		}
		if _, err := fs.Dossier(ctx, desk, d.Code, forms.Receipt, "http://x"); err != nil {
			t.Fatal(err)
		}
		// A plain Get (the services' own use) is not a read on record.
		if _, err := w.ds.Get(ctx, desk, d.Code); err != nil {
			t.Fatal(err)
		}
		got := reads()
		want := []string{"dossier_read " + desk.FullName + " ", "file_downloaded " + desk.FullName + ` {"what":"` + strconv.FormatInt(f.ID, 10) + ` cccd.pdf"}`,
			"form_printed " + desk.FullName + ` {"what":"` + forms.Receipt + `"}`}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("reads on record:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		gialam, _ := w.units.ByCode(ctx, demo.GiaLamCode)
		rows, _ := w.log.List(ctx, audit.Filter{Object: "dossier:" + d.Code, UnitID: gialam.ID})
		if len(rows) != 5 {
			t.Errorf("%d entries at the dossier's unit, want 5 (submit, receive, 3 reads)", len(rows))
		}
		if rep := verify(t, w.log, "", ""); rep.Broken != nil {
			t.Fatal(rep.Broken)
		}
	})
}
