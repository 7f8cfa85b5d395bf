package server_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestWorkFileArchiveWarningByEmail: a clerk closes a work file; 30 days
// before it is due for the archive the scheduled check publishes
// document.WorkFileDueSoon, and notify's listener has exactly one e-mail
// reach the clerk through the SMTP server, naming the file code and
// title, with one in-app notice — however often the check runs, two
// instances at once included.
func TestWorkFileArchiveWarningByEmail(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		ctx := context.Background()
		const clerkMail = "thu.vanthu@gialam.example.vn"
		if _, err := db.ExecContext(ctx, `UPDATE users SET email = ? WHERE username = ?`, clerkMail, "gialam.vanthu"); err != nil {
			t.Fatal(err)
		}
		clerk, err := e.app.Auth.UserByName(ctx, "gialam.vanthu")
		if err != nil {
			t.Fatal(err)
		}
		docs := e.app.Documents
		d, err := docs.RegisterIncoming(ctx, clerk, document.Incoming{Unit: demo.GiaLamCode, Medium: document.Paper,
			Sender: document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"}, CodeNumber: "15", CodeNotation: "UBND-VX",
			Type: "CV", Subject: "V/v chuyển đổi số", File: &document.FileInput{Name: "scan.pdf", Content: samplePDF}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := docs.CreateFile(ctx, clerk, document.WorkFileInput{Unit: demo.GiaLamCode, Notation: "01.VT",
			Title: "Hồ sơ chuyển đổi số năm 2026", Maintenance: "10 năm"})
		if err != nil {
			t.Fatal(err)
		}
		if f, err = docs.AddToFile(ctx, clerk, f.ID, f.Version, d.ID); err != nil {
			t.Fatal(err)
		}
		if f, err = docs.CloseFile(ctx, clerk, f.ID, document.CloseInput{EndDate: "2026-03-02", Version: f.Version}); err != nil {
			t.Fatal(err)
		}
		if f.ArchiveDue != "2027-03-02" || f.WarnFrom != "2027-01-31" {
			t.Fatalf("due %s, warning from %s", f.ArchiveDue, f.WarnFrom)
		}
		warn := func() int {
			n, err := docs.WarnDueFiles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		// The day before the warning starts: nothing.
		e.clock.Set(time.Date(2027, 1, 30, 23, 0, 0, 0, ict))
		if n := warn(); n != 0 {
			t.Fatalf("warned %d files 31 days before the due date", n)
		}
		e.flush()
		if got := len(e.smtp.Mails()); got != 0 {
			t.Fatalf("%d e-mails before the warning", got)
		}

		// 30 days before: two instances' checks at once, then more runs.
		e.clock.Set(time.Date(2027, 1, 31, 7, 0, 0, 0, ict))
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() { defer wg.Done(); counts[i] = warn() }()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Fatalf("two checks at once published %v, want 1 in all", counts)
		}
		if n := warn(); n != 0 {
			t.Fatalf("the second run published %d again", n)
		}
		e.flush()
		e.clock.Add(24 * time.Hour)
		if n := warn(); n != 0 {
			t.Fatalf("the next day's run published %d again", n)
		}
		e.flush()

		mails := e.smtp.Mails()
		if len(mails) != 1 {
			t.Fatalf("%d e-mails, want exactly 1", len(mails))
		}
		m := mails[0]
		if len(m.To) != 1 || m.To[0] != clerkMail {
			t.Errorf("to %v, want %s", m.To, clerkMail)
		}
		if want := "Hồ sơ công việc " + f.FileCode + " sắp đến hạn nộp lưu"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		for _, s := range []string{"Kính gửi Lương Thị Thu,", f.FileCode, "Hồ sơ chuyển đổi số năm 2026", "chậm nhất ngày 02/03/2027",
			site + "/can-bo/ho-so-cong-viec/"} {
			if !strings.Contains(m.Body, s) {
				t.Errorf("the e-mail lacks %q:\n%s", s, m.Body)
			}
		}
		if n := e.inApp("gialam.vanthu", "work_file_due"); n != 1 {
			t.Errorf("%d in-app notices, want 1", n)
		}

		// Handed over: a file archived before its warning is never warned.
		g, err := docs.CreateFile(ctx, clerk, document.WorkFileInput{Unit: demo.GiaLamCode, Notation: "02.VT", Title: "Hồ sơ khác",
			Maintenance: "5 năm", StartDate: "2027-01-02"})
		if err != nil {
			t.Fatal(err)
		}
		d2, err := docs.RegisterIncoming(ctx, clerk, document.Incoming{Unit: demo.GiaLamCode, Medium: document.Paper,
			Sender: document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"}, CodeNumber: "16", CodeNotation: "UBND-VX",
			Type: "CV", Subject: "V/v khác", File: &document.FileInput{Name: "scan.pdf", Content: samplePDF}})
		if err != nil {
			t.Fatal(err)
		}
		if g, err = docs.AddToFile(ctx, clerk, g.ID, g.Version, d2.ID); err != nil {
			t.Fatal(err)
		}
		if g, err = docs.CloseFile(ctx, clerk, g.ID, document.CloseInput{Version: g.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err = docs.ArchiveFile(ctx, clerk, g.ID, g.Version); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(time.Date(2028, 1, 20, 7, 0, 0, 0, ict))
		if n := warn(); n != 0 {
			t.Fatalf("an archived file was warned (%d)", n)
		}
	})
}
