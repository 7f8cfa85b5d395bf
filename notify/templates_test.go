package notify_test

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var due = time.Date(2026, 3, 5, 16, 30, 0, 0, calendar.Zone)

var fullData = notify.Data{Code: "000.04.07.H40-260302-0001", Procedure: "Chứng thực chữ ký trong giấy tờ", Unit: "UBND xã Gia Lâm",
	Step: "Thẩm định hồ sơ", Delivery: "counter", Due: &due, Note: "Thiếu bản sao căn cước công dân", Amount: 50000,
	Tracking: "EG123456785VN", Carrier: "Bưu điện Việt Nam", Title: "Hồ sơ chuyển đổi số năm 2026", Name: "Nguyễn Văn An", Link: publicURL + "/ho-so/000.04.07.H40-260302-0001"}

// TestEveryTemplateRenders: each kind in each language has a one-line
// subject, a text naming the dossier, an e-mail and an SMS with the link.
func TestEveryTemplateRenders(t *testing.T) {
	svc, err := notify.New(nil, nil, nil, notify.Config{PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range slices.Concat(notify.Kinds, notify.DocumentKinds) {
		for _, lang := range notify.Langs {
			t.Run(string(k)+"/"+lang, func(t *testing.T) {
				subject, text, email, sms, err := svc.Render(k, lang, fullData)
				if err != nil {
					t.Fatal(err)
				}
				for part, s := range map[string]string{"subject": subject, "text": text, "email": email, "sms": sms} {
					if s == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
						t.Errorf("%s: %q", part, s)
					}
				}
				if strings.ContainsAny(subject, "\r\n") || !strings.Contains(subject, fullData.Code) {
					t.Errorf("subject %q", subject)
				}
				if !strings.Contains(text, fullData.Code) || !strings.Contains(email, text) || !strings.Contains(email, fullData.Link) {
					t.Errorf("text %q not in the e-mail with its link:\n%s", text, email)
				}
				if !strings.HasSuffix(sms, " "+fullData.Link) || len([]rune(sms)) > 300+1+len(fullData.Link) {
					t.Errorf("sms %q", sms)
				}
			})
		}
	}
}

// TestEmailAsReceived checks e-mail the way the recipient gets it: sent
// through the worker to the in-process SMTP server, parsed as a mail
// client parses it. Vietnamese must survive: the wire is 7-bit ASCII
// (encoded-words in headers, quoted-printable body) and decodes back.
func TestEmailAsReceived(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		var english int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, kind, password_hash, email, phone, created_at)
				VALUES ('anne', 'Anne Martin', 'citizen', 'x', 'anne@example.vn', '', 0) RETURNING id`).Scan(&english)
		}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetPrefs(ctx, english, notify.Prefs{Email: true, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		code := fullData.Code
		cases := []struct {
			name    string
			kind    notify.Kind
			to      notify.Recipient
			path    string
			subject string
			body    []string
		}{
			{"received, with the due date", notify.Received, applicant, "/ho-so/" + code, "Hồ sơ " + code + " đã được tiếp nhận",
				[]string{"Kính gửi Nguyễn Văn An,", "đã được tiếp nhận và đang được giải quyết", "Ngày hẹn trả kết quả: 16:30 ngày 05/03/2026.",
					"Theo dõi hồ sơ: " + publicURL + "/ho-so/" + code}},
			{"supplement, with the reason", notify.Supplement, applicant, "/ho-so/" + code, "Hồ sơ " + code + " cần bổ sung, hoàn thiện",
				[]string{"Nội dung yêu cầu: Thiếu bản sao căn cước công dân"}},
			{"delivered, with the rating link", notify.Delivered, applicant, "/ho-so/" + code + "/danh-gia",
				"Hồ sơ " + code + " đã trả kết quả – mời Ông/Bà đánh giá",
				[]string{"Mời Ông/Bà đánh giá mức độ hài lòng", "Đánh giá mức độ hài lòng: " + publicURL + "/ho-so/" + code + "/danh-gia"}},
			{"fee, in đồng", notify.FeeRequested, applicant, "/ho-so/" + code + "/thanh-toan", "Hồ sơ " + code + ": đề nghị nộp phí, lệ phí",
				[]string{"50.000 đ", "Nộp phí, lệ phí: " + publicURL + "/ho-so/" + code + "/thanh-toan"}},
			{"apology, in English for an English account", notify.Apology, notify.Recipient{UserID: english}, "/ho-so/" + code,
				"Apology: dossier " + code + " is late", []string{"Dear Anne Martin,", "the new date is 16:30, 5 Mar 2026.",
					"Reason: Thiếu bản sao căn cước công dân"}},
		}
		w := f.worker("w")
		for i, c := range cases {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return f.svc.Send(ctx, tx, notify.Notification{Kind: c.kind, To: c.to, Key: c.name, Path: c.path, Data: fullData})
			})
			if err != nil {
				t.Fatal(err)
			}
			for runOnce(t, w) > 0 {
			}
			mails := f.smtp.Mails()
			if len(mails) != i+1 {
				t.Fatalf("%s: %d mails arrived in all, want %d", c.name, len(mails), i+1)
			}
			m := mails[i]
			t.Run(c.name, func(t *testing.T) {
				for _, b := range m.Raw {
					if b >= 0x80 {
						t.Fatalf("8-bit byte on the wire:\n%s", m.Raw)
					}
				}
				if m.Subject != c.subject {
					t.Errorf("subject %q, want %q", m.Subject, c.subject)
				}
				for _, want := range c.body {
					if !strings.Contains(m.Body, want) {
						t.Errorf("body lacks %q:\n%s", want, m.Body)
					}
				}
				if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				from, err := (&mail.AddressParser{WordDecoder: nil}).Parse(m.Header.Get("From"))
				if err != nil || from.Name != "Một cửa Gia Lâm" || from.Address != "motcua@gialam.example.vn" {
					t.Errorf("From %q: %+v %v", m.Header.Get("From"), from, err)
				}
				if m.MessageID == "" || m.Header.Get("Auto-Submitted") != "auto-generated" {
					t.Errorf("headers: %v", m.Header)
				}
			})
		}
	})
}
