package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"github.com/motcua/motcua/backup"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/syncbuf"
	"github.com/motcua/motcua/schema"
)

func TestCommands(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	total := 0
	for _, m := range schema.Modules() {
		ms, err := m.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		total += len(ms)
	}
	applied := fmt.Sprintf("applied %d migration(s) on sqlite", total)
	cases := []struct {
		name    string
		args    []string
		stdin   string
		wantErr string
		wantOut string
	}{
		{"version", []string{"version"}, "", "", "motcua "},
		{"unknown", []string{"dance"}, "", `unknown command "dance"`, ""},
		{"migrate", []string{"migrate", "--data", dir}, "", "", applied},
		{"migrate again", []string{"migrate", "--data", dir}, "", "", "applied 0 migration(s)"},
		{"user needs a unit", []string{"user", "add", "ana", "--role", "leader", "--password-stdin", "--data", dir}, "mat-khau-123\n", "--unit is required", ""},
		{"user needs stdin flag", []string{"user", "add", "ana", "--role", "citizen", "--data", dir}, "", "--password-stdin is required", ""},
		{"bad role", []string{"user", "add", "ana", "--role", "king", "--unit", "x", "--password-stdin", "--data", dir}, "p", "--role must be one of", ""},
		{"citizen added", []string{"user", "add", "ana", "--role", "citizen", "--password-stdin", "--data", dir}, "mat-khau-123\n", "", "created ana (citizen)"},
		{"duplicate", []string{"user", "add", "ana", "--role", "citizen", "--password-stdin", "--data", dir}, "mat-khau-123\n", "Tên đăng nhập đã được sử dụng", ""},
		{"short password", []string{"user", "add", "bob", "--role", "citizen", "--password-stdin", "--data", dir}, "123\n", "ít nhất 8 ký tự", ""},
		{"unknown unit", []string{"user", "add", "cuc", "--role", "leader", "--unit", "000.00.00.H99", "--password-stdin", "--data", dir}, "mat-khau-123\n", "Không tìm thấy đơn vị", ""},
		{"holidays", []string{"calendar", "holidays", "2026"}, "", "", "2026-02-17 "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(ctx, c.args, strings.NewReader(c.stdin), &out, &errb)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v (stderr %s)", err, errb.String())
			}
			if !strings.Contains(out.String(), c.wantOut) {
				t.Fatalf("stdout %q lacks %q", out.String(), c.wantOut)
			}
		})
	}
}

// TestServeDemoAndShutdown starts the real server with each demo world,
// logs in as a printed demo account, and stops it gracefully: --demo is
// the two-tier world of today (the desk of xã Gia Lâm at its service
// centre, the land branch's officers) with its last 60 days of activity,
// --demo=2022 Nho Quan district, without. In both the simulated province
// (/_sim/edxml/) receives the decision the demo issued to it, through the
// outbox worker, and its 01 goes back; so do the two documents the demo
// issued to it and revoked while loading, one of them revoked by the
// province's 15. The log of a fresh demo has no WARN or ERROR but the
// one honest warning that no --clamd scans uploads: the revoked one was
// recorded revoked before it left, so its row failed at the first send
// (edxml_revoked_unsent), a WARN that looked to a new user like a fault.
func TestServeDemoAndShutdown(t *testing.T) {
	const exchangeLine = "edXML exchange: UBND tỉnh Ninh Bình (000.00.00.H40) simulated at http://"
	const mailLine = "E-mail: a simulated mail server at http://"
	for _, c := range []struct {
		flag        string
		want, avoid []string
	}{
		{"--demo", []string{exchangeLine, mailLine, "gialam.tiepnhan      reception, 001.02.37.H40", "chinhanh.chuyenvien  specialist, 001.01.20.H40",
			"Demo activity: the last 60 days"}, []string{"000.04.07.H40"}},
		{"--demo=2022", []string{exchangeLine, mailLine, "gialam.tiepnhan      reception, 000.04.07.H40", "huyen.tiepnhan       reception, 000.00.07.H40"},
			[]string{"chinhanh.", "37.H40", "Demo activity"}},
	} {
		t.Run(c.flag, func(t *testing.T) {
			t.Setenv("MOTCUA_DATA", t.TempDir()) // flags also come from the environment
			// The daily backup is taken at start when none is fresh (MOTCUA_BACKUP_DIR is --backup-dir).
			backups := t.TempDir()
			t.Setenv("MOTCUA_BACKUP_DIR", backups)
			ctx, cancel := context.WithCancel(context.Background())
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			var logged syncbuf.Buffer
			go func() {
				done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", c.flag}, nil, pw, &logged)
				pw.Close()
			}()
			sc := bufio.NewScanner(pr)
			var url string
			var lines []string
			// The exchange's line ends the startup text; a serve that never
			// prints it is stopped, which ends the reading too.
			stuck := time.AfterFunc(5*time.Minute, cancel)
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if u, ok := strings.CutPrefix(sc.Text(), "motcua is serving at "); ok {
					url = strings.Fields(u)[0]
				}
				if strings.HasPrefix(sc.Text(), "edXML exchange:") {
					break
				}
			}
			stuck.Stop()
			go io.Copy(io.Discard, pr)
			if url == "" {
				t.Fatalf("no URL printed: %q", lines)
			}
			printed := strings.Join(lines, "\n")
			for _, w := range c.want {
				if !strings.Contains(printed, w) {
					t.Errorf("demo logins lack %q: %s", w, printed)
				}
			}
			for _, w := range c.avoid {
				if strings.Contains(printed, w) {
					t.Errorf("demo logins show %q: %s", w, printed)
				}
			}
			body := `{"username":"gialam.tiepnhan","password":"motcua-demo"}`
			resp, err := http.Post(url+"/api/v1/auth/token", "application/json", strings.NewReader(body))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("demo login: %v %v", resp, err)
			}
			resp.Body.Close()
			// The demo's e-mail goes to its simulated mail server, whose
			// page lists what it was sent.
			resp, err = http.Get(url + "/_sim/mail/")
			if err != nil {
				t.Fatal(err)
			}
			mailPage, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(mailPage), "Hộp thư mô phỏng") {
				t.Fatalf("/_sim/mail/: %d %s", resp.StatusCode, mailPage)
			}
			// The demo's province is the one whose lateness rule is in force from
			// the start (before, only after the first refresh, a minute later).
			resp, err = http.Get(url + "/api/v1/calendar/lateness-rule")
			if err != nil {
				t.Fatal(err)
			}
			rule, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(rule), `"province":"000.00.00.H40"`) {
				t.Fatalf("lateness rule at start: %s", rule)
			}
			// The demo's decision issued to the province reaches the
			// simulated province through the outbox worker, which answers
			// 01; so do the documents the demo revoked.
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
				resp, err := http.Get(url + "/_sim/edxml/")
				if err != nil {
					t.Fatal(err)
				}
				page, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				p := string(page)
				if strings.Contains(p, "Quyết định thành lập Tổ công nghệ số cộng đồng") && strings.Contains(p, "gửi Đã đến (01)") && !strings.Contains(p, "chờ gửi") &&
					strings.Contains(p, "Thông báo kết quả kiểm tra công tác văn thư, lưu trữ") && strings.Contains(p, "V/v đề nghị bổ sung kinh phí sự nghiệp chuyển đổi số") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the simulated province's page after 30 s: %s", p)
				}
			}
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
				if list, err := backup.List(backups); err == nil && len(list) == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no backup in --backup-dir 60 s after the start")
				}
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not shut down")
			}
			for _, l := range strings.Split(logged.String(), "\n") {
				if (strings.Contains(l, `"level":"WARN"`) || strings.Contains(l, `"level":"ERROR"`)) &&
					!strings.Contains(l, `"msg":"uploads are not scanned for malware: set --clamd"`) {
					t.Errorf("a fresh demo logged: %s", l)
				}
			}
		})
	}
}

// TestDemoFlag: --demo is a boolean flag that also takes the world.
func TestDemoFlag(t *testing.T) {
	for _, c := range []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{nil, "", false},
		{[]string{"--demo"}, "2025", false},
		{[]string{"--demo=true"}, "2025", false},
		{[]string{"--demo=2022"}, "2022", false},
		{[]string{"--demo=false"}, "", false},
		{[]string{"--demo=2019"}, "", true},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var d demoFlag
		fs.Var(&d, "demo", "")
		err := fs.Parse(c.args)
		if (err != nil) != c.wantErr || d.world != c.want {
			t.Errorf("%v: world %q, err %v; want %q (error %v)", c.args, d.world, err, c.want, c.wantErr)
		}
	}
}

// TestServeNeedsPublicURL: outside --demo, serve refuses to start without
// --public-url, which every absolute URL (QR codes, the payment return
// address, links in messages) is built from (issue 8, finding 12).
func TestServeNeedsPublicURL(t *testing.T) {
	t.Setenv("MOTCUA_PUBLIC_URL", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--public-url is required"},
		{[]string{"--public-url", "https://motcua.example.vn/ho-so"}, "no path"},
		{[]string{"--public-url", "ftp://motcua.example.vn"}, "http(s)://"},
		// serve reads --blobs (it once ignored it: the default always won).
		{[]string{"--public-url", "https://motcua.example.vn", "--blobs", "bogus"}, `--blobs "bogus": want dir or db`},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, c.args...)
		// A server that starts anyway is stopped after a while: that fails too.
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		err := run(ctx, args, nil, io.Discard, io.Discard)
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.args, err, c.want)
		}
	}
}
