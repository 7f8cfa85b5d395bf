package server_test

import (
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPortalMyDossiers follows a dossier from the citizen's side: what is
// asked of them at each stage, the supplement they upload, the result to
// collect, and the rating: once, only after delivery, only by them.
func TestPortalMyDossiers(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(signatureProc, demo.GiaLamCode)
		b := e.portalVisitor(t, "")
		b.login("congdan")
		page := "/ho-so/" + d.Code

		// Nothing is asked while the desk checks the dossier.
		mine := b.get("/ho-so-cua-toi")
		if !mine.has(d.Code) || !mine.has("Chờ tiếp nhận") || !mine.has("Hiện không có việc gì bạn cần làm.") {
			t.Fatalf("my dossiers, submitted:\n%s", mainOf(mine.body))
		}
		mine.wellFormed(t, "vi")

		// The desk returns it for completion: the citizen sees the request and supplements.
		const request = "Bản chụp giấy tờ tùy thân bị mờ, đề nghị tải lại bản rõ nét."
		e.mustAct("gialam.tiepnhan", d.Code, "request-supplement", map[string]any{"note": request, "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Bản chụp mờ"}}})
		mine = b.get("/ho-so-cua-toi")
		if !mine.has("Cần bổ sung, hoàn thiện hồ sơ") || !mine.has(`href="`+page+`#bo-sung"`) {
			t.Fatalf("my dossiers, returned:\n%s", mainOf(mine.body))
		}
		p := b.get(page)
		if !p.has(request) || !p.has("Tôi đã bổ sung") || !p.has(`enctype="multipart/form-data"`) {
			t.Fatalf("dossier page, returned:\n%s", mainOf(p.body))
		}
		p.wellFormed(t, "vi")
		before := len(e.get("congdan", d.Code).Files)
		p = b.upload(p.action(t, "/tai-lieu/giay_to_tuy_than?"), "CCCD ro net.pdf", samplePDF)
		if p.url.Path != page || !p.has("CCCD ro net.pdf") {
			t.Fatalf("supplement upload: at %s", p.url)
		}
		if n := len(e.get("congdan", d.Code).Files); n != before+1 {
			t.Fatalf("files %d → %d", before, n)
		}
		if r := b.post(page+"/bo-sung", nil); r.status != 403 {
			t.Fatalf("supplement without CSRF: %d", r.status)
		}
		p = b.post(page+"/bo-sung", p.formWith(t, "note", "Đã tải lại bản rõ nét."))
		if p.status != 200 || !p.has("Đã gửi hồ sơ bổ sung") || e.get("congdan", d.Code).Status != "submitted" {
			t.Fatalf("supplemented: %d %s", p.status, e.get("congdan", d.Code).Status)
		}

		// Processed; the result waits at the desk.
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.processToResult(d.Code)
		if mine := b.get("/ho-so-cua-toi"); !mine.has("mời bạn đến nhận tại bộ phận một cửa của UBND xã Gia Lâm") {
			t.Fatalf("my dossiers, result ready:\n%s", mainOf(mine.body))
		}
		rateForm := b.get(page + "/danh-gia")
		if !rateForm.has("Bạn có thể đánh giá sau khi nhận kết quả") {
			t.Fatal("rating form before delivery")
		}
		if r := b.post(page+"/danh-gia", p.formWith(t, "score", rating.VerySatisfied)); r.status != 409 {
			t.Fatalf("rating before delivery: %d", r.status)
		}
		score := map[string]string{"score": rating.VerySatisfied, "comment": "Cán bộ hướng dẫn tận tình."}
		if r := e.call("congdan", "POST", "/api/v1/dossiers/"+d.Code+"/rating", score, nil); r.status != 409 || r.errCode() != "rating_not_open" {
			t.Fatalf("API rating before delivery: %d %s", r.status, r.body)
		}

		e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
		mine = b.get("/ho-so-cua-toi")
		if !mine.has("mời bạn đánh giá mức độ hài lòng") || !mine.has(`href="`+page+`/danh-gia"`) {
			t.Fatalf("my dossiers, delivered:\n%s", mainOf(mine.body))
		}
		// Only the applicant rates: another citizen does not see it, an officer is refused.
		e.addCitizen("binh")
		if r := e.call("binh", "POST", "/api/v1/dossiers/"+d.Code+"/rating", score, nil); r.status != 404 {
			t.Fatalf("another citizen rating: %d %s", r.status, r.body)
		}
		if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/rating", score, nil); r.status != 403 || r.errCode() != "rating_not_permitted" {
			t.Fatalf("officer rating: %d %s", r.status, r.body)
		}
		// The form insists on a score, keeping the comment typed.
		rateForm = b.get(page + "/danh-gia")
		rateForm.wellFormed(t, "vi")
		if r := b.post(page+"/danh-gia", rateForm.formWith(t, "comment", "Nhanh gọn")); r.status != 422 || !r.has("Vui lòng chọn một mức đánh giá.") || !r.has(">Nhanh gọn</textarea>") {
			t.Fatalf("rating without a score: %d", r.status)
		}
		p = b.post(page+"/danh-gia", rateForm.formWith(t, "score", rating.Satisfied, "comment", "Nhanh gọn"))
		if p.url.Path != page || !p.has("Cảm ơn bạn đã đánh giá.") || !p.has("<strong>Hài lòng</strong>") {
			t.Fatalf("rated: at %s\n%s", p.url, mainOf(p.body))
		}
		// Once: the second time is refused, through the page and the API.
		if r := b.post(page+"/danh-gia", rateForm.formWith(t, "score", rating.VerySatisfied)); r.status != 409 || !r.has("mỗi hồ sơ chỉ được đánh giá một lần") {
			t.Fatalf("second rating on the page: %d", r.status)
		}
		if r := e.call("congdan", "POST", "/api/v1/dossiers/"+d.Code+"/rating", score, nil); r.status != 409 || r.errCode() != "already_rated" {
			t.Fatalf("second rating through the API: %d %s", r.status, r.body)
		}
		if mine := b.get("/ho-so-cua-toi"); mine.has("mời bạn đánh giá") {
			t.Fatal("still asked to rate after rating")
		}

		// Through the API, a second delivered dossier: 201 with the rating.
		d2 := e.submit(signatureProc, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d2.Code, "receive", nil)
		e.processToResult(d2.Code)
		e.mustAct("gialam.tiepnhan", d2.Code, "deliver", nil)
		var got rating.Rating
		e.must(e.call("congdan", "POST", "/api/v1/dossiers/"+d2.Code+"/rating", score, &got), 201)
		if got.Score != rating.VerySatisfied || got.Dossier != d2.Code {
			t.Fatalf("API rating: %+v", got)
		}
		if r := e.call("congdan", "POST", "/api/v1/dossiers/"+d2.Code+"/rating", map[string]string{"score": "meh"}, nil); r.status != 409 {
			t.Fatalf("rated dossier, bad score: %d", r.status)
		}

		// The tallies reports are built from.
		cases := []struct {
			by, key       string
			very, ok, not int64
		}{
			{report.ByUnit, demo.GiaLamCode, 1, 1, 0},
			{report.ByProcedure, signatureProc, 1, 1, 0},
			{report.ByOfficer, "gialam.tiepnhan", 1, 1, 0},
		}
		for _, c := range cases {
			got, err := e.app.Reports.RatingTallies(t.Context(), c.by)
			if err != nil || len(got) != 1 {
				t.Fatalf("summary by %s: %+v %v", c.by, got, err)
			}
			if g := got[0]; g.Key != c.key || g.VerySatisfied != c.very || g.Satisfied != c.ok || g.NotSatisfied != c.not || g.Total != 2 || g.Name == "" {
				t.Errorf("summary by %s: %+v", c.by, g)
			}
		}
		if _, err := e.app.Reports.RatingTallies(t.Context(), "weather"); err == nil {
			t.Error("summary by an unknown grouping")
		}
		// The same tallies through the API, for officers only.
		var api struct {
			By      string
			Tallies []report.Tally
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/ratings?by=officer", nil, &api), 200)
		if api.By != report.ByOfficer || len(api.Tallies) != 1 || api.Tallies[0].Key != "gialam.tiepnhan" || api.Tallies[0].Total != 2 {
			t.Fatalf("API summary: %+v", api)
		}
		if r := e.call("congdan", "GET", "/api/v1/ratings", nil, nil); r.status != 403 {
			t.Fatalf("citizen reading the tallies: %d", r.status)
		}
		if r := e.call("huyen.giamsat", "GET", "/api/v1/ratings?by=weather", nil, nil); r.status != 422 || r.errCode() != "invalid_grouping" {
			t.Fatalf("unknown grouping: %d %s", r.status, r.body)
		}
	})
}

// TestPortalWithdraw: withdrawing asks for confirmation first.
func TestPortalWithdraw(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	d := e.submit(signatureProc, demo.GiaLamCode)
	b := e.portalVisitor(t, "")
	b.login("congdan")
	p := b.get("/ho-so/" + d.Code)
	if !p.has(`href="/ho-so/` + d.Code + `/rut"`) {
		t.Fatal("no withdraw link")
	}
	p = b.get("/ho-so/" + d.Code + "/rut")
	if p.status != 200 || !p.has("không thể hoàn tác") || e.get("congdan", d.Code).Status != "submitted" {
		t.Fatalf("confirmation page: %d", p.status)
	}
	p.wellFormed(t, "vi")
	if r := b.post("/ho-so/"+d.Code+"/rut", nil); r.status != 403 {
		t.Fatalf("withdraw without CSRF: %d", r.status)
	}
	p = b.post("/ho-so/"+d.Code+"/rut", p.formWith(t, "note", "Nộp nhầm thủ tục"))
	// The applicant's withdrawal is a request the desk acknowledges (issue 10).
	if !p.has("Đã gửi đề nghị rút hồ sơ") || e.get("congdan", d.Code).Status != "withdrawal_requested" || !p.has("Nộp nhầm thủ tục") {
		t.Fatalf("withdrawn: %s", e.get("congdan", d.Code).Status)
	}
	if r := b.get("/ho-so/" + d.Code + "/rut"); r.status != 409 {
		t.Fatalf("withdrawing twice: %d", r.status)
	}
}
