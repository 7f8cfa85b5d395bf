package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// digitiseFirst digitises the first file of the dossier with code at the
// desk and returns its paper.
func (e *env) digitiseFirst(desk, code string) paperView {
	e.t.Helper()
	d := e.get(desk, code)
	var pv paperView
	e.must(e.call(desk, "POST", "/api/v1/dossiers/"+code+"/files/"+strconv.FormatInt(d.Files[0].ID, 10)+"/digitise", nil, &pv), 201)
	return pv
}

// audited lists the audit log's actions about object.
func (e *env) audited(object string) []string {
	e.t.Helper()
	rows, err := e.app.Audit.List(e.t.Context(), audit.Filter{Object: object})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Action)
	}
	return out
}

// TestStoreDraftPickLoggedWithFiling: a paper picked from the store in the
// wizard is logged as reused in the transaction that attaches the draft's
// files, whoever files the draft (here the dossier service itself, as the
// API does, not the portal page). A crash in that transaction leaves the
// draft, no files and no log; the retry files the same dossier and logs
// the reuse once, with its audit row.
func TestStoreDraftPickLoggedWithFiling(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := interLevel(t)
		comp := p.Components[0].Key
		b := e.submit(p.Code, demo.GiaLamCode)
		paper := e.digitiseFirst("gialam.tiepnhan", b.Code)

		a, err := e.app.Auth.UserByName(ctx, "congdan")
		if err != nil {
			t.Fatal(err)
		}
		form := map[string]string{}
		for k, v := range validForm(p) {
			form[k] = fmt.Sprint(v)
		}
		data := dossier.DraftData{Unit: demo.GiaLamCode, Delivery: "counter", Form: form,
			Applicant: dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "037085001234", Phone: "0912345678", Address: "Thôn Tân Lập"}}
		for _, c := range p.Components {
			if c.Required && c.Key != comp {
				f, err := e.app.Dossiers.StoreBlob(ctx, bytes.NewReader(pdfWith("draft "+c.Key)))
				if err != nil {
					t.Fatal(err)
				}
				data.Files = append(data.Files, dossier.DraftFile{Component: c.Key, SHA256: f.SHA256, Name: c.Key + ".pdf", Size: f.Size, ContentType: f.ContentType})
			}
		}
		dr, err := e.app.Dossiers.CreateDraft(ctx, a, p.Code, data)
		if err != nil {
			t.Fatal(err)
		}
		picked, err := e.app.Sohoa.Pick(ctx, a, dr.ID, comp, paper.Code)
		if err != nil {
			t.Fatal(err)
		}
		dr.Data.Files = append(dr.Data.Files, picked)
		if err := e.app.Dossiers.SaveDraft(ctx, a, dr); err != nil {
			t.Fatal(err)
		}

		crash := true
		event.Subscribe(e.app.Events, "test.crash", func(context.Context, *store.Tx, dossier.DraftFiled) error {
			if crash {
				return errors.New("crash while attaching the draft's files")
			}
			return nil
		})
		if _, _, err := e.app.Dossiers.SubmitDraft(ctx, a, dr.ID); err == nil {
			t.Fatal("the crash did not fail the filing")
		}
		if got := e.papers("congdan", "/api/v1/me/data-store"); len(got) != 1 || len(got[0].Reuses) != 0 {
			t.Fatalf("after the crash: %+v", got)
		}
		crash = false
		d, _, err := e.app.Dossiers.SubmitDraft(ctx, a, dr.ID)
		if err != nil {
			t.Fatal(err)
		}
		var fileID int64
		for _, f := range d.Files {
			if f.Component == comp && f.SHA256 == paper.SHA256 {
				fileID = f.ID
			}
		}
		got := e.papers("congdan", "/api/v1/me/data-store")
		if fileID == 0 || len(got) != 1 || len(got[0].Reuses) != 1 || got[0].Reuses[0].Dossier != d.Code || got[0].Reuses[0].FileID != fileID {
			t.Fatalf("the retry: file %d, store %+v", fileID, got)
		}
		if acts := strings.Join(e.audited("paper:"+paper.Code), " "); acts != "paper_digitised paper_reused" {
			t.Fatalf("audit rows of %s: %s", paper.Code, acts)
		}
	})
}

// TestDigitisedPapersFollowMerge: when a commune is merged (and its
// successor recoded), the codes it gave stay as they were and its
// successor's desk finds and reuses its papers; the successor numbers its
// own from 1 under its new identifier. Each reuse is audited and shown to
// the holder. A search text longer than the limit is refused.
func TestDigitisedPapersFollowMerge(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := interLevel(t)
		comp := p.Components[0].Key
		const giaSon, recoded = "000.03.07.H40", "000.01.40.H40"
		e.newOfficer("giason.tiepnhan", auth.Reception, giaSon)

		b := e.submit(p.Code, demo.GiaLamCode)
		paper := e.digitiseFirst("gialam.tiepnhan", b.Code)
		if acts := e.audited("paper:" + paper.Code); len(acts) != 1 || acts[0] != "paper_digitised" {
			t.Fatalf("audit rows of the digitisation: %v", acts)
		}
		if got := e.papers("giason.tiepnhan", "/api/v1/digitised?q="+paper.Code); len(got) != 0 {
			t.Fatalf("before the merge, Gia Sơn found %v", paperCodes(got))
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := e.app.Units.Merge(ctx, tx, demo.GiaLamCode, giaSon, "Nghị quyết sắp xếp"); err != nil {
				return err
			}
			return e.app.Units.Rename(ctx, tx, giaSon, recoded, "UBND xã Gia Lâm (mới)", "Sắp xếp")
		})
		if err != nil {
			t.Fatal(err)
		}
		got := e.papers("giason.tiepnhan", "/api/v1/digitised?q="+url.QueryEscape(paper.Code))
		if len(got) != 1 || got[0].Code != paper.Code || got[0].Unit != recoded {
			t.Fatalf("the successor's search for %s: %+v", paper.Code, got)
		}

		if acts := e.audited("search:digitised"); len(acts) != 2 || acts[0] != "papers_searched" {
			t.Fatalf("the officers' searches on record: %v", acts)
		}

		// The successor's desk reuses it for the same person at the counter.
		in := submission(p, recoded)
		in["channel"] = "counter"
		var d dossierView
		e.must(e.call("giason.tiepnhan", "POST", "/api/v1/dossiers", in, &d), 201)
		e.must(e.call("giason.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/reuse", map[string]string{"paper": paper.Code, "component": comp}, nil), 201)
		store := e.papers("congdan", "/api/v1/me/data-store")
		if len(store) != 1 || len(store[0].Reuses) != 1 || store[0].Reuses[0].Dossier != d.Code {
			t.Fatalf("the holder's view of the reuse: %+v", store)
		}
		if acts := strings.Join(e.audited("paper:"+paper.Code), " "); acts != "paper_digitised paper_reused" {
			t.Fatalf("audit rows: %s", acts)
		}
		// Its own papers are numbered under its new identifier.
		if mine := e.digitiseFirst("giason.tiepnhan", d.Code); mine.Code != "TP."+recoded+".2026.000001" {
			t.Fatalf("the successor's first code: %s", mine.Code)
		}

		long := strings.Repeat("a ", 101)
		if r := e.call("giason.tiepnhan", "GET", "/api/v1/digitised?q="+url.QueryEscape(long), nil, nil); r.status != 422 || r.errCode() != "text_too_long" {
			t.Fatalf("a %d-character search: %d %s", len(long), r.status, r.body)
		}
	})
}

// TestDeskReusesOnlyTheApplicantsPapers: the desk attaches to a dossier
// only papers of its applicant. An ID number typed online by someone else
// does not make a person's papers theirs (the filer would download them
// from their dossier), nor does the desk's reach make another person's
// paper reusable; an online filer's ID number counts once VNeID verified
// it for the filing account, and the account's own papers always do.
func TestDeskReusesOnlyTheApplicantsPapers(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)
		comp := p.Components[0].Key
		const desk = "gialam.tiepnhan"
		reuse := func(code, paper string) reply {
			return e.call(desk, "POST", "/api/v1/dossiers/"+code+"/reuse", map[string]string{"paper": paper, "component": comp}, nil)
		}
		own := e.digitiseFirst(desk, e.submit(p.Code, demo.GiaLamCode).Code) // congdan's, filed online
		in := submission(p, demo.GiaLamCode)
		in["channel"] = "counter"
		var counter dossierView
		e.must(e.call(desk, "POST", "/api/v1/dossiers", in, &counter), 201)
		e.fileComponents(desk, counter.Code, p, "")
		atCounter := e.digitiseFirst(desk, counter.Code) // held under the ID number only

		// Someone files online under congdan's ID number.
		e.addCitizen("kexau")
		var forged dossierView
		e.must(e.call("kexau", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &forged), 201)
		for _, paper := range []string{own.Code, atCounter.Code} {
			if r := reuse(forged.Code, paper); r.status != 404 || r.errCode() != "paper_not_found" {
				t.Fatalf("the desk attached %s to a dossier filed under a typed ID number: %d %s", paper, r.status, r.body)
			}
		}
		// Nor does its page suggest them.
		ob := e.officeLogin(desk)
		if _, body, _ := ob.get("/can-bo/ho-so/" + forged.Code); !strings.Contains(body, "/dung-lai/") || strings.Contains(body, own.Code) || strings.Contains(body, atCounter.Code) {
			t.Fatalf("the forged dossier's page offers congdan's papers (or no reuse form)")
		}
		// A counter dossier of another person: the desk may read congdan's
		// dossier, but the paper is not this applicant's.
		other := submission(p, demo.GiaLamCode)
		other["channel"] = "counter"
		other["applicant"] = map[string]string{"name": "Trần Thị Bình", "id_number": "001190000001", "phone": "0987654321"}
		var od dossierView
		e.must(e.call(desk, "POST", "/api/v1/dossiers", other, &od), 201)
		if r := reuse(od.Code, own.Code); r.status != 404 {
			t.Fatalf("the desk attached congdan's paper to another person's dossier: %d %s", r.status, r.body)
		}

		// congdan's own online dossier: the account's paper goes in; the
		// counter paper only once VNeID verified the account's ID number.
		var mine dossierView
		e.must(e.call("congdan", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &mine), 201)
		e.must(reuse(mine.Code, own.Code), 201)
		if r := reuse(mine.Code, atCounter.Code); r.status != 404 {
			t.Fatalf("a counter paper attached on an unverified ID number: %d %s", r.status, r.body)
		}
		if _, body, _ := ob.get("/can-bo/ho-so/" + mine.Code); !strings.Contains(body, `<option value="`+own.Code+`">`) || strings.Contains(body, atCounter.Code) {
			t.Fatal("congdan's dossier page: want the account's paper suggested, not the counter one")
		}
		acc, err := e.app.Auth.UserByName(t.Context(), "congdan")
		if err != nil {
			t.Fatal(err)
		}
		// congdan, signed in with the password, signs in through VNeID: the
		// identity links to the account (auth.Identity.Owner).
		if _, _, err := e.app.Auth.SignInIdentity(t.Context(), auth.Identity{Issuer: "https://vneid.test", Subject: "congdan-1",
			IDNumber: "037085001234", FullName: "Nguyễn Văn An", Owner: acc.ID}); err != nil {
			t.Fatal(err)
		}
		if _, body, _ := ob.get("/can-bo/ho-so/" + mine.Code); !strings.Contains(body, `<option value="`+atCounter.Code+`">`) {
			t.Fatal("once verified, the counter paper is not suggested")
		}
		e.must(reuse(mine.Code, atCounter.Code), 201)
	})
}
