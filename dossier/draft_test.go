package dossier_test

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// flatCalendar counts every hour as working time: enough for these tests,
// which never look at deadlines.
type flatCalendar struct{}

func (flatCalendar) Due(t time.Time, _ string, days int) (time.Time, error) {
	return t.Add(time.Duration(days) * 24 * time.Hour), nil
}
func (flatCalendar) WorkingBetween(a, b time.Time) time.Duration       { return b.Sub(a) }
func (flatCalendar) AddWorking(t time.Time, d time.Duration) time.Time { return t.Add(d) }
func (flatCalendar) Judge(due, finish time.Time) calendar.Timeliness {
	return calendar.New(calendar.Options{}).Judge(due, finish)
}
func (flatCalendar) LateBefore(now time.Time) time.Time { return now }

type world struct {
	db                 *store.DB
	ds                 *dossier.Service
	units              *unit.Store
	citizen, reception *auth.Actor
	other              *auth.Actor
	proc               catalog.Procedure
}

// newWorld is the demo world with a dossier service whose uploads are capped at 1 KiB.
func newWorld(t *testing.T, db *store.DB) world { t.Helper(); return newWorldWith(t, db, nil) }

// newWorldWith is newWorld with configure changing the service's Config.
func newWorldWith(t *testing.T, db *store.DB, configure func(*dossier.Config)) world {
	t.Helper()
	ctx := t.Context()
	units, cat := unit.NewStore(db, nil), catalog.NewStore(db, nil)
	au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := cat.SeedBuiltin(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, units, au); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := au.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "binh", FullName: "Trần Thị Bình", Kind: "citizen"}, Password: demo.Password})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	actor := func(name string) *auth.Actor {
		a, err := au.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	p, err := cat.Get(ctx, "2.000884")
	if err != nil {
		t.Fatal(err)
	}
	cfg := dossier.Config{FilesDir: t.TempDir(), MaxFileBytes: 1 << 10}
	if configure != nil {
		configure(&cfg)
	}
	ds := dossier.NewService(db, units, cat, au, flatCalendar{}, cfg)
	return world{db: db, ds: ds, units: units, citizen: actor(demo.Citizen.Username), reception: actor("gialam.tiepnhan"), other: actor("binh"), proc: p}
}

var pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func filled(w world) dossier.DraftData {
	return dossier.DraftData{Unit: demo.GiaLamCode, Delivery: "counter",
		Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
		Form: map[string]string{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
			"so_nguoi_ky": "1", "hinh_thuc": "Ký"}}
}

func TestStoreBlob(t *testing.T) {
	w := newWorld(t, storetest.Open(t, "sqlite"))
	cases := []struct {
		name string
		body []byte
		kind error
		code string
	}{
		{"a PDF", pdf, nil, ""},
		{"the same PDF again shares the blob", pdf, nil, ""},
		{"empty", nil, problem.ErrInvalid, "empty_file"},
		{"not a scan", []byte("MZ\x90\x00 program"), problem.ErrInvalid, "file_type_not_allowed"},
		{"over the limit", append(append([]byte{}, pdf...), make([]byte, 1<<10)...), problem.ErrTooLarge, "file_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := w.ds.StoreBlob(t.Context(), bytes.NewReader(c.body))
			var pe *problem.Error
			switch {
			case c.kind == nil && err != nil:
				t.Fatal(err)
			case c.kind == nil:
				if f.ContentType != "application/pdf" || f.Size != int64(len(pdf)) || len(f.SHA256) != 64 {
					t.Fatalf("stored %+v", f)
				}
				fh, err := w.ds.OpenBlob(t.Context(), f.SHA256)
				if err != nil {
					t.Fatal(err)
				}
				fh.Close()
			case !errors.Is(err, c.kind) || !errors.As(err, &pe) || pe.Code != c.code:
				t.Fatalf("err %v, want %s", err, c.code)
			}
		})
	}
	if _, err := w.ds.OpenBlob(t.Context(), "../../etc/passwd"); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("OpenBlob with a path: %v", err)
	}
}

// TestDraftToDossier: a draft is its author's alone; submitting it needs
// the required documents, files the dossier once however often it is
// submitted, attaches the files and deletes the draft.
func TestDraftToDossier(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, filled(w))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ds.GetDraft(ctx, w.other, d.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another citizen reads the draft: %v", err)
		}
		if err := w.ds.SaveDraft(ctx, w.other, d); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another citizen saves the draft: %v", err)
		}
		if _, _, err := w.ds.SubmitDraft(ctx, w.citizen, d.ID); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("submitting without the required documents: %v", err)
		}
		for _, c := range dossier.MissingComponents(w.proc, d.Data.Files) {
			f, err := w.ds.StoreBlob(t.Context(), bytes.NewReader(pdf))
			if err != nil {
				t.Fatal(err)
			}
			d.Data.Files = append(d.Data.Files, dossier.DraftFile{Component: c.Key, SHA256: f.SHA256, Name: `C:\scans\` + c.Key + ".pdf",
				Size: f.Size, ContentType: f.ContentType})
		}
		if err := w.ds.SaveDraft(ctx, w.citizen, d); err != nil {
			t.Fatal(err)
		}
		latest, err := w.ds.LatestDraft(ctx, w.citizen, w.proc.Code)
		if err != nil || latest.ID != d.ID || len(latest.Data.Files) != 2 || latest.Data.Files[0].Name != "giay_to_tuy_than.pdf" {
			t.Fatalf("latest draft: %+v %v", latest, err)
		}

		// Three submissions at once (a double click and a retry): one dossier, two files.
		var wg sync.WaitGroup
		codes := make([]string, 3)
		errs := make([]error, 3)
		for i := range codes {
			wg.Go(func() {
				dd, _, err := w.ds.SubmitDraft(ctx, w.citizen, d.ID)
				if err == nil {
					codes[i] = dd.Code
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i := range codes {
			if errs[i] != nil || codes[i] != codes[0] {
				t.Fatalf("submission %d: %s %v (first %s)", i, codes[i], errs[i], codes[0])
			}
		}
		got, err := w.ds.Get(ctx, w.citizen, codes[0])
		if err != nil || len(got.Files) != 2 || got.Status != dossier.Submitted {
			t.Fatalf("dossier: %+v %v", got, err)
		}
		again, replayed, err := w.ds.SubmitDraft(ctx, w.citizen, d.ID)
		if err != nil || !replayed || again.Code != codes[0] {
			t.Fatalf("submitting again: %v %v %v", again, replayed, err)
		}
		if drafts, _ := w.ds.Drafts(ctx, w.citizen); len(drafts) != 0 {
			t.Fatalf("%d drafts left", len(drafts))
		}
		if _, _, err := w.ds.SubmitDraft(ctx, w.other, d.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another citizen submits the draft: %v", err)
		}

		// AttachStored: Upload's rules for a blob already stored.
		blob, _ := w.ds.StoreBlob(t.Context(), bytes.NewReader(pdf))
		blob.Component, blob.Name = "giay_to_can_ky", "bo sung.pdf"
		if _, err := w.ds.AttachStored(ctx, w.other, codes[0], *blob); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("a stranger attaches: %v", err)
		}
		bad := *blob
		bad.SHA256 = "00" + blob.SHA256[2:]
		if _, err := w.ds.AttachStored(ctx, w.citizen, codes[0], bad); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("a blob never stored: %v", err)
		}
		if f, err := w.ds.AttachStored(ctx, w.citizen, codes[0], *blob); err != nil || f.ID == 0 || f.Kind != "component" {
			t.Fatalf("attach: %+v %v", f, err)
		}
		if _, err := w.ds.Act(ctx, w.reception, codes[0], dossier.Receive, dossier.ActInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ds.AttachStored(ctx, w.citizen, codes[0], *blob); !errors.Is(err, problem.ErrState) {
			t.Fatalf("attach after reception: %v", err)
		}

		// The most used procedures count what was filed.
		top, err := w.ds.Popular(ctx, 365*24*time.Hour, 5)
		if err != nil || len(top) != 1 || top[0].Procedure != w.proc.Code || top[0].Count != 1 {
			t.Fatalf("popular: %+v %v", top, err)
		}
	})
}
