package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestCitizenToDeliveryInBrowser follows one dossier through its whole life
// in the browser: the citizen signs in, finds the procedure in the catalog,
// files it online with a PDF per document (making a mistake on the way),
// and gets a receipt with a QR code; the commune's reception receives it,
// each processing step is done by the officer the page names for it, the
// leader approves, reception delivers; the citizen sees the result
// delivered in "Hồ sơ của tôi" and rates it. Every key page is
// photographed at phone and desktop width and checked with axe.
func TestCitizenToDeliveryInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	files := t.TempDir()
	citizen := openTab(t, browser, m.URL, "congdan", false)
	var code string

	phase(t, "citizen signs in", func(t *testing.T) {
		citizen.visit(t, "/dang-nhap")
		citizen.page(t, "login")
		if path := citizen.login(t); path != "/ho-so-cua-toi" {
			t.Errorf("a citizen lands on %s after signing in, want /ho-so-cua-toi", path)
		}
		citizen.wantText(t, "header .who", "Nguyễn Văn An")
		citizen.wantText(t, "main", "Bạn chưa nộp hồ sơ nào.")
		citizen.page(t, "my-dossiers-empty")
	})

	phase(t, "citizen finds the procedure and files it online", func(t *testing.T) {
		citizen.follow(t, "header nav", "Thủ tục hành chính")
		url := typeAndEnter(t, citizen.ctx, "q", procSearch)
		if !strings.Contains(url, "q=chung+thuc+chu+ky") {
			t.Errorf("the search went to %s", url)
		}
		results := `section[aria-labelledby="kq"]`
		citizen.wantText(t, results, "Kết quả:", "Chứng thực chữ ký trong các giấy tờ, văn bản")
		citizen.page(t, "catalog-search")
		path := citizen.press(t, q(results+" a[href='/thu-tuc/"+procCode+"']"), 200, "the procedure in the results")
		if path != "/thu-tuc/"+procCode {
			t.Fatalf("the result led to %s", path)
		}
		citizen.wantText(t, "main h1", "Chứng thực chữ ký")
		citizen.page(t, "procedure")
		if path := citizen.follow(t, "main", "Nộp hồ sơ trực tuyến"); path != "/nop-ho-so/"+procCode {
			t.Fatalf("“Nộp hồ sơ trực tuyến” led to %s", path)
		}
		code = fileOnline(t, citizen, wizardOptions{shots: "citizen-", mistakes: true, files: files, tag: "hs1"})

		// The receipt: the code to track it by, and a QR code of the tracking page.
		citizen.wantText(t, "main h1", "Đã nộp hồ sơ thành công")
		// The QR code's link carries the dossier's tracking token (issue 8, finding 6).
		citizen.wantText(t, "main", "Chờ tiếp nhận", "UBND xã Gia Lâm", "/tra-cuu?ma="+code+"&t=")
		if !citizen.has(t, "figure.qr-box svg") {
			t.Error("the receipt has no QR code (<svg> in figure.qr-box)")
		}
		qrLink := eval[string](t, citizen.ctx, `(u => u.pathname + u.search)(new URL(document.querySelector("figure.qr-box a.url").href))`)
		citizen.page(t, "receipt")
		citizen.follow(t, "main", "Xem hồ sơ")
		citizen.wantText(t, "main h1", code)
		citizen.wantText(t, "main", "Chờ tiếp nhận", "hs1-giay_to_tuy_than.pdf", "hs1-giay_to_can_ky.pdf")
		citizen.page(t, "citizen-dossier-submitted")
		citizen.visit(t, qrLink)
		citizen.wantText(t, "main", "Hồ sơ "+code, "Chờ tiếp nhận", "Nguyễn V. A.")
	})

	reception := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
	phase(t, "reception receives it", func(t *testing.T) {
		if path := reception.login(t); path != "/can-bo" {
			t.Errorf("an officer lands on %s after signing in, want /can-bo", path)
		}
		reception.wantText(t, "main", "Tiếp nhận và trả kết quả", "Việc của tôi")
		reception.wantText(t, "section[aria-labelledby=h-queue] table", code, "Kiểm tra và tiếp nhận")
		reception.page(t, "office-dashboard")

		reception.follow(t, "header nav", "Hồ sơ")
		reception.page(t, "office-inbox")
		typeAndEnter(t, reception.ctx, "q", code)
		reception.wantText(t, "table.of-rows tbody", code, "Chờ tiếp nhận", "Nguyễn Văn An")
		reception.page(t, "office-inbox-search")

		reception.follow(t, "table.of-rows", code)
		reception.wantText(t, "main h1", code)
		reception.wantText(t, `section[aria-labelledby="thanh-phan"]`, "hs1-giay_to_tuy_than.pdf", "hs1-giay_to_can_ky.pdf")
		reception.page(t, "office-dossier-submitted")
		path := reception.act(t, code, "receive", "")
		if path != "/can-bo/ho-so/"+code+"/bien-nhan?da=receive" {
			t.Errorf("receiving went to %s, want the reception receipt", path)
		}
		reception.wantText(t, "main", "Đã thực hiện: Tiếp nhận hồ sơ.", code, "Hẹn trả kết quả")
		reception.page(t, "office-receipt")
	})

	phase(t, "each step is done by the officer it names", func(t *testing.T) {
		tabs := map[string]*tab{reception.who: reception}
		for n := 1; ; n++ {
			if n > 5 {
				t.Fatalf("still processing after %d steps", n-1)
			}
			reception.visit(t, "/can-bo/ho-so/"+code)
			status := reception.officeStatus(t)
			if strings.HasPrefix(status, "Có kết quả, chờ trả") {
				break
			}
			if !strings.HasPrefix(status, "Đang xử lý") {
				t.Fatalf("status %q, want processing or result ready", status)
			}
			role, who := reception.nextOfficer(t)
			if who != reception.who && (reception.has(t, "#form-forward") || reception.has(t, "#form-approve")) {
				t.Errorf("reception may move the dossier on at a step for %s", role)
			}
			u := tabs[who]
			if u == nil {
				u = openTab(t, browser, m.URL, who, false)
				u.login(t)
				tabs[who] = u
				u.wantText(t, "section[aria-labelledby=h-queue]", code)
				u.page(t, "office-dashboard-"+who)
			}
			u.visit(t, "/can-bo/ho-so/"+code)
			u.page(t, fmt.Sprintf("office-dossier-step%d", n))
			action := "forward"
			if u.has(t, "#form-approve") {
				action = "approve"
			}
			u.act(t, code, action, "")
			u.wantText(t, ".of-notice[role=status]", "Đã thực hiện:")
			t.Logf("step %d (%s): %s did %s; now %q", n, role, who, action, u.officeStatus(t))
		}
		if _, ok := tabs["gialam.chuyenvien"]; !ok {
			t.Error("no step was done by the specialist")
		}
		if _, ok := tabs["gialam.lanhdao"]; !ok {
			t.Error("no step was done by the leader")
		}
	})

	phase(t, "reception delivers", func(t *testing.T) {
		reception.visit(t, "/can-bo")
		reception.wantText(t, "section[aria-labelledby=h-queue]", code, "Trả kết quả")
		reception.visit(t, "/can-bo/ho-so/"+code)
		reception.page(t, "office-dossier-result-ready")
		reception.act(t, code, "deliver", "")
		reception.wantText(t, ".of-notice[role=status]", "Đã thực hiện: Trả kết quả.")
		if status := reception.officeStatus(t); !strings.HasPrefix(status, "Đã trả kết quả") {
			t.Errorf("after delivering, status %q", status)
		}
		reception.page(t, "office-dossier-delivered")

		// The counter, where walk-in applicants' dossiers are entered.
		reception.follow(t, "header nav", "Tiếp nhận tại quầy")
		reception.page(t, "office-counter")
		typeAndEnter(t, reception.ctx, "q", procSearch)
		reception.press(t, q("main .list a[href^='/can-bo/tiep-nhan/"+procCode+"']"), 200, "the procedure at the counter")
		reception.wantText(t, "main", labelDocName)
		reception.page(t, "office-counter-form")
	})

	phase(t, "citizen sees it delivered and rates it", func(t *testing.T) {
		citizen.visit(t, "/")
		citizen.follow(t, "header nav", "Hồ sơ của tôi")
		card := `section[aria-labelledby="filed"] li:has(a[href="/ho-so/` + code + `"])`
		citizen.wantText(t, card, code, "Đã trả kết quả")
		citizen.wantText(t, `section[aria-labelledby="todo"]`, code, "mời bạn đánh giá")
		citizen.page(t, "my-dossiers-delivered")

		citizen.follow(t, `section[aria-labelledby="todo"]`, "Đánh giá ("+code+")")
		if path := citizen.path(t); path != "/ho-so/"+code+"/danh-gia" {
			t.Fatalf("the rating link went to %s", path)
		}
		citizen.page(t, "rating")
		citizen.click(t, "label[for=score-very_satisfied]")
		if !eval[bool](t, citizen.ctx, `document.getElementById('score-very_satisfied').checked`) {
			t.Fatal("clicking “Rất hài lòng” did not select it")
		}
		comment := "Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn."
		citizen.fillLabelled(t, "Ý kiến góp ý", comment)
		path := citizen.button(t, "main form", "Gửi đánh giá", 200)
		if path != "/ho-so/"+code+"?da=danh-gia" {
			t.Errorf("rating went to %s", path)
		}
		citizen.wantText(t, "main .notice[role=status]", "Cảm ơn bạn đã đánh giá.")
		citizen.wantText(t, `section[aria-labelledby="danh-gia"]`, "Bạn đã đánh giá:", "Rất hài lòng", comment)
		citizen.wantText(t, "main", "Đã trả kết quả")
		citizen.page(t, "citizen-dossier-rated")

		citizen.follow(t, "header nav", "Hồ sơ của tôi")
		if got := citizen.text(t, `section[aria-labelledby="todo"]`); strings.Contains(got, code) {
			t.Errorf("after rating, “Việc bạn cần làm” still lists %s:\n%s", code, got)
		}
	})
}

// TestSupplementInBrowser covers both ways a dossier goes back to the
// citizen for more documents. During processing: the specialist asks for a
// supplement with a written reason (the clock stops), the citizen reads
// what is asked in "Hồ sơ của tôi", uploads a file and confirms, and the
// specialist finds the dossier processing again with the clock running.
// At reception: the desk returns a submitted dossier for completion, the
// citizen completes it, and it is back waiting for reception.
func TestSupplementInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	files := t.TempDir()
	citizen := openTab(t, browser, m.URL, "congdan", false)
	reception := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
	specialist := openTab(t, browser, m.URL, "gialam.chuyenvien", false)
	var during, atDesk string

	phase(t, "setup: two dossiers filed online, the first received", func(t *testing.T) {
		citizen.login(t)
		citizen.visit(t, "/nop-ho-so/"+procCode)
		during = fileOnline(t, citizen, wizardOptions{files: files, tag: "bs1"})
		citizen.visit(t, "/nop-ho-so/"+procCode)
		atDesk = fileOnline(t, citizen, wizardOptions{files: files, tag: "bs2"})
		if during == atDesk {
			t.Fatalf("two submissions got the same code %s", during)
		}
		reception.login(t)
		reception.act(t, during, "receive", "")
		specialist.login(t)
	})

	const reason = "Bản scan giấy tờ tùy thân bị mờ, không đọc được số định danh. Đề nghị tải lại bản rõ nét."
	phase(t, "specialist requests a supplement", func(t *testing.T) {
		specialist.visit(t, "/can-bo/ho-so/"+during)
		if _, who := specialist.nextOfficer(t); who != specialist.who {
			t.Fatalf("the received dossier waits for %s, want the specialist", who)
		}
		specialist.act(t, during, "request-supplement", reason)
		specialist.wantText(t, ".of-notice[role=status]", "Đã thực hiện: Yêu cầu bổ sung, hoàn thiện hồ sơ.")
		if status := specialist.officeStatus(t); !strings.HasPrefix(status, "Chờ bổ sung hồ sơ") {
			t.Errorf("status after the request: %q", status)
		}
		specialist.wantText(t, `section[aria-labelledby="h-status"]`, "Tạm dừng tính thời gian", "đồng hồ dừng", "đang tạm dừng", reason)
		specialist.wantText(t, `section[aria-labelledby="h-history"]`, "Yêu cầu bổ sung hồ sơ", reason)
		specialist.page(t, "office-dossier-paused")
	})

	// The citizen's side is the same for both requests.
	supplement := func(t *testing.T, code, reason, tag, state string) {
		t.Helper()
		citizen.visit(t, "/")
		citizen.follow(t, "header nav", "Hồ sơ của tôi")
		citizen.wantText(t, `section[aria-labelledby="todo"]`, code, "Cần bổ sung, hoàn thiện hồ sơ theo yêu cầu của cơ quan giải quyết.")
		card := `section[aria-labelledby="filed"] li:has(a[href="/ho-so/` + code + `"])`
		citizen.wantText(t, card, state, "Bổ sung hồ sơ")
		citizen.page(t, tag+"-my-dossiers")

		citizen.follow(t, `section[aria-labelledby="todo"]`, "Bổ sung hồ sơ ("+code+")")
		citizen.wantText(t, "main h1", code)
		citizen.wantText(t, "main p.notice.ask-supplement", "Việc bạn cần làm:", "Cần bổ sung")
		citizen.wantText(t, `section[aria-labelledby="bo-sung"] .notice`, "Nội dung yêu cầu bổ sung, hoàn thiện:", reason)
		citizen.page(t, tag+"-citizen-dossier")

		citizen.upload(t, "giay_to_tuy_than", writePDF(t, files, tag+"-cccd-ro-net.pdf"))
		citizen.fillLabelled(t, "Ghi chú cho cán bộ", "Đã tải lại bản scan rõ nét.")
		path := citizen.button(t, "main form", "Tôi đã bổ sung", 200)
		if path != "/ho-so/"+code+"?da=bo-sung" {
			t.Errorf("confirming the supplement went to %s", path)
		}
		citizen.wantText(t, "main .notice[role=status]", "Đã gửi hồ sơ bổ sung")
		citizen.wantText(t, `section[aria-labelledby="history"]`, "Bổ sung hồ sơ", "Đã tải lại bản scan rõ nét.")
		if citizen.has(t, `section[aria-labelledby="bo-sung"] .notice`) {
			t.Error("the request is still shown after the supplement")
		}
		citizen.page(t, tag+"-citizen-dossier-supplemented")
	}

	phase(t, "citizen supplements during processing", func(t *testing.T) {
		supplement(t, during, reason, "processing", "Chờ bổ sung hồ sơ")
		citizen.wantText(t, "main dl.facts", "Đang xử lý")
	})

	phase(t, "specialist finds it processing with the clock running", func(t *testing.T) {
		specialist.visit(t, "/can-bo")
		specialist.wantText(t, "section[aria-labelledby=h-queue]", during)
		specialist.visit(t, "/can-bo/ho-so/"+during)
		status := specialist.officeStatus(t)
		if !strings.HasPrefix(status, "Đang xử lý") {
			t.Errorf("after the supplement, status %q, want Đang xử lý", status)
		}
		sec := specialist.text(t, `section[aria-labelledby="h-status"]`)
		for _, paused := range []string{"Tạm dừng tính thời gian", "đồng hồ dừng", "đang tạm dừng"} {
			if strings.Contains(sec, paused) {
				t.Errorf("the clock still shows as stopped (%q):\n%s", paused, sec)
			}
		}
		specialist.wantText(t, `section[aria-labelledby="h-status"]`, "Thời gian tạm dừng", reason)
		specialist.wantText(t, `section[aria-labelledby="thanh-phan"]`, "processing-cccd-ro-net.pdf")
		specialist.wantText(t, `section[aria-labelledby="h-history"]`, "Bổ sung hồ sơ")
		if !specialist.has(t, "#form-forward") {
			t.Errorf("the specialist cannot go on with the dossier:\n%s", specialist.text(t, "#thao-tac"))
		}
		specialist.page(t, "office-dossier-resumed")
		if specialist.has(t, "#form-request-supplement") {
			// Decree 118 allows one request during processing, and the
			// service refuses a second; the page should not offer it.
			specialist.fill(t, "note-request-supplement", "Lần hai")
			specialist.press(t, q("#form-request-supplement button[type=submit]"), 409, "a second supplement request")
			t.Errorf("the dossier page offers a second supplement request, which is always refused with: %q",
				specialist.text(t, "#action-error p"))
			if status := specialist.officeStatus(t); !strings.HasPrefix(status, "Đang xử lý") {
				t.Errorf("after the refused request, status %q", status)
			}
		}
	})

	const deskReason = "Thiếu trang 2 của giấy tờ cần ký; đề nghị tải lên đủ các trang."
	phase(t, "reception returns a submitted dossier for completion", func(t *testing.T) {
		reception.visit(t, "/can-bo/ho-so/"+atDesk)
		if status := reception.officeStatus(t); !strings.HasPrefix(status, "Chờ tiếp nhận") {
			t.Fatalf("status %q, want Chờ tiếp nhận", status)
		}
		reception.act(t, atDesk, "request-supplement", deskReason)
		reception.wantText(t, ".of-notice[role=status]", "Đã thực hiện: Yêu cầu bổ sung, hoàn thiện hồ sơ.")
		if status := reception.officeStatus(t); !strings.HasPrefix(status, "Yêu cầu hoàn thiện hồ sơ") {
			t.Errorf("status after returning it: %q", status)
		}
		reception.page(t, "office-dossier-returned")
	})

	phase(t, "citizen completes it", func(t *testing.T) {
		supplement(t, atDesk, deskReason, "reception", "Yêu cầu hoàn thiện hồ sơ")
		citizen.wantText(t, "main dl.facts", "Chờ tiếp nhận")
	})

	phase(t, "reception finds it waiting again and receives it", func(t *testing.T) {
		reception.visit(t, "/can-bo/ho-so/"+atDesk)
		if status := reception.officeStatus(t); !strings.HasPrefix(status, "Chờ tiếp nhận") {
			t.Errorf("after the completion, status %q, want Chờ tiếp nhận", status)
		}
		reception.wantText(t, `section[aria-labelledby="thanh-phan"]`, "reception-cccd-ro-net.pdf")
		reception.act(t, atDesk, "receive", "")
		reception.wantText(t, "main", "Đã thực hiện: Tiếp nhận hồ sơ.")
	})
}

// TestWithoutJavaScriptInBrowser runs the core of the citizen's path in a
// tab where pages' scripts do not run: tracking a dossier by its code, and
// the whole online submission, uploads included (plain multipart posts).
func TestWithoutJavaScriptInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t) // what to track; filed the API's way
	u := openTab(t, browser, m.URL, "congdan", true)

	phase(t, "tracking form", func(t *testing.T) {
		u.visit(t, "/tra-cuu")
		u.fill(t, "ma", code)
		path := typeAndEnter(t, u.ctx, "sdt", "5678")
		if !strings.HasSuffix(path, "/tra-cuu?ma="+code+"&sdt=5678") {
			t.Errorf("the tracking form went to %s", path)
		}
		u.wantText(t, "main", code, "Chờ tiếp nhận")
		u.page(t, "nojs-tracking")
	})

	phase(t, "online submission", func(t *testing.T) {
		u.login(t)
		u.visit(t, "/thu-tuc/"+procCode)
		u.follow(t, "main", "Nộp hồ sơ trực tuyến")
		filed := fileOnline(t, u, wizardOptions{shots: "nojs-", mistakes: true, files: t.TempDir(), tag: "nojs"})
		u.wantText(t, "main", "Đã nộp hồ sơ thành công", filed)
		if !u.has(t, "figure.qr-box svg") {
			t.Error("the receipt has no QR code without JavaScript")
		}
		u.page(t, "nojs-receipt")
	})
}
