package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/scan"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// A check's outcome: ✓ fine, – nothing to do now (a part not configured,
// or one to watch), ✗ serve would fail or misbehave: doctor exits non-zero.
type status int

const (
	pass status = iota
	note
	fail
)

func (s status) mark() string { return [...]string{"✓", "–", "✗"}[s] }

// finding is one line of the report: what was checked, in Vietnamese for
// the commune's IT officer, with a stable English code to search the
// documentation (docs/operations.md, "Diagnose") or quote to support.
type finding struct {
	status status
	check  string // the part checked: database, smtp, …
	code   string // e.g. smtp_unreachable; ok when fine
	text   string
}

// doctorTimeout bounds each outside part's answer: a firewall that drops
// packets should make its line red, not hang the command.
const doctorTimeout = 5 * time.Second

// Thresholds of the checks (docs/operations.md, "Diagnose").
const (
	minFreeBytes  = 2 << 30 // under it the data dir's line warns
	maxClockSkew  = 5 * time.Second
	maxBackupAge  = 48 * time.Hour
	backupPattern = `^motcua-(\d{8}-\d{6})\.tar\.gz$`
)

// runDoctor is `motcua doctor`: serve's flags (the same set, so the same
// command line or environment), each outside part they name tried, one
// line per check, and an error when any check failed.
func runDoctor(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	var sf serveFlags
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d := doctor{sf: &sf, demo: sf.demo.world != "", now: time.Now}
	findings := d.run(ctx)
	failed := 0
	for _, f := range findings {
		fmt.Fprintf(stdout, "%s %-10s %s [%s]\n", f.status.mark(), f.check, f.text, f.code)
		if f.status == fail {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("doctor: %d of %d checks failed", failed, len(findings))
	}
	return nil
}

type doctor struct {
	sf   *serveFlags
	demo bool
	now  func() time.Time
}

func (d doctor) run(ctx context.Context) []finding {
	octx, cancel := context.WithTimeout(ctx, doctorTimeout)
	db, err := store.Open(octx, store.Config{URL: d.sf.db.db, Dir: d.sf.db.data})
	cancel()
	if err != nil {
		db = nil
		err = fmt.Errorf("Không mở được cơ sở dữ liệu: %w — kiểm tra --db/--data (MOTCUA_DB, MOTCUA_DATA), máy chủ PostgreSQL và quyền truy cập", err)
	} else {
		defer db.Close()
	}
	dbf, fresh := d.database(ctx, db, err)
	out := []finding{dbf, d.clock(ctx, db)}
	out = append(out, d.dataDir(), d.publicURL(), d.smtp(ctx), d.clamd(ctx), d.backups(fresh))
	return append(out, d.settings()...)
}

func ok(check, text string) finding { return finding{pass, check, "ok", text} }

// database: reachable, and every module's migrations applied. A database
// with none applied yet is what serve --demo starts from on a fresh data
// dir (it migrates and loads the demo world), so that is fine with --demo;
// fresh reports that case to the backup check.
func (d doctor) database(ctx context.Context, db *store.DB, openErr error) (f finding, fresh bool) {
	if openErr != nil {
		return finding{fail, "database", "db_unreachable", openErr.Error() + "."}, false
	}
	if err := db.Ping(ctx); err != nil {
		return finding{fail, "database", "db_unreachable", fmt.Sprintf("Cơ sở dữ liệu %s không trả lời: %v.", db.Dialect, err)}, false
	}
	pending, err := schema.Pending(ctx, db)
	if err != nil {
		return finding{fail, "database", "db_migrations_unknown", fmt.Sprintf("Không đọc được các bản cập nhật lược đồ đã chạy: %v.", err)}, false
	}
	total := 0
	for _, m := range schema.Modules() {
		ms, _ := m.Migrations()
		total += len(ms)
	}
	switch {
	case len(pending) == 0:
		return ok("database", fmt.Sprintf("Cơ sở dữ liệu %s kết nối được, đủ %d bản cập nhật lược đồ.", db.Dialect, total)), false
	case d.demo && len(pending) == total:
		return ok("database", fmt.Sprintf("Cơ sở dữ liệu %s kết nối được, còn trống: serve --demo tạo lược đồ và nạp dữ liệu mẫu khi khởi động.", db.Dialect)), true
	}
	return finding{fail, "database", "db_pending_migrations", fmt.Sprintf("Cơ sở dữ liệu %s còn %d bản cập nhật lược đồ chưa chạy (đầu tiên: %s %s) — chạy motcua migrate với cùng --db/--data.",
		db.Dialect, len(pending), pending[0].Module, pending[0].Name)}, false
}

// clock compares this machine's clock with the database's: tokens, due
// dates and the audit chain's times are written by both.
func (d doctor) clock(ctx context.Context, db *store.DB) finding {
	if db == nil {
		return finding{note, "clock", "clock_unchecked", "Không so được đồng hồ với cơ sở dữ liệu (không mở được)."}
	}
	q := `SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
	if db.Dialect == store.Postgres {
		q = `SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`
	}
	before := d.now()
	var ms int64
	if err := db.QueryRowContext(ctx, q).Scan(&ms); err != nil {
		return finding{fail, "clock", "clock_unreadable", fmt.Sprintf("Không đọc được giờ của cơ sở dữ liệu: %v.", err)}
	}
	after := d.now()
	local := before.Add(after.Sub(before) / 2)
	skew := time.UnixMilli(ms).Sub(local).Round(time.Millisecond)
	if skew.Abs() > maxClockSkew {
		return finding{note, "clock", "clock_skew", fmt.Sprintf("Đồng hồ máy này lệch %v so với cơ sở dữ liệu (quá %v) — bật đồng bộ giờ (chrony/systemd-timesyncd) trên cả hai máy.", skew, maxClockSkew)}
	}
	return ok("clock", fmt.Sprintf("Đồng hồ khớp với cơ sở dữ liệu (lệch %v).", skew))
}

// dataDir: the service account can write there (the SQLite database,
// stored files, secret.key) and the disk is not nearly full.
func (d doctor) dataDir() finding {
	dir := d.sf.db.data
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return finding{fail, "data", "data_dir_unwritable", fmt.Sprintf("Không tạo được thư mục dữ liệu %s: %v — kiểm tra --data (MOTCUA_DATA) và quyền của tài khoản chạy motcua.", dir, err)}
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return finding{fail, "data", "data_dir_unwritable", fmt.Sprintf("Không ghi được vào thư mục dữ liệu %s: %v — cấp quyền ghi cho tài khoản chạy motcua.", dir, err)}
	}
	f.Close()
	os.Remove(f.Name())
	free, err := freeBytes(dir)
	if err != nil {
		return finding{note, "data", "data_dir_space_unknown", fmt.Sprintf("Thư mục dữ liệu %s ghi được; không đọc được dung lượng trống: %v.", dir, err)}
	}
	if free < minFreeBytes {
		return finding{note, "data", "data_dir_low_space", fmt.Sprintf("Thư mục dữ liệu %s chỉ còn %s trống (dưới %s) — giải phóng hoặc mở rộng ổ đĩa trước khi đầy.", dir, gib(free), gib(minFreeBytes))}
	}
	return ok("data", fmt.Sprintf("Thư mục dữ liệu %s ghi được, còn %s trống.", dir, gib(free)))
}

func gib(n uint64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }

// publicURL: the address printed in QR codes and links; outside the demo
// citizens reach it over HTTPS only (sessions' cookies are Secure).
func (d doctor) publicURL() finding {
	raw := d.sf.notify.publicURL
	if raw == "" {
		if d.demo {
			return ok("public-url", "--public-url trống: bản demo dùng http://ADDR.")
		}
		return finding{fail, "public-url", "public_url_missing", "Thiếu --public-url (MOTCUA_PUBLIC_URL): địa chỉ người dân truy cập, ví dụ https://motcua.nhoquan.gov.vn."}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return finding{fail, "public-url", "public_url_invalid", fmt.Sprintf("--public-url %q không phải địa chỉ đầy đủ (https://tên-miền).", raw)}
	}
	if u.Scheme != "https" && !d.demo {
		return finding{fail, "public-url", "public_url_not_https", fmt.Sprintf("--public-url %s không dùng https — đặt motcua sau một reverse proxy có chứng chỉ TLS và khai báo https://….", raw)}
	}
	return ok("public-url", "Địa chỉ công khai "+raw+".")
}

// smtp: the relay answers EHLO (notify.SMTPSender.Check); nothing is sent.
func (d doctor) smtp(ctx context.Context) finding {
	n := d.sf.notify
	if n.smtpAddr == "" && d.demo {
		return ok("smtp", "--smtp-addr trống: bản demo gửi thư tới máy chủ thư mô phỏng của nó (/_sim/mail/).")
	}
	if n.smtpAddr == "" {
		return finding{note, "smtp", "smtp_not_configured", "Chưa cấu hình máy chủ thư (--smtp-addr): thư điện tử chờ trong hàng đợi, không gửi đi."}
	}
	s, err := notify.NewSMTP(notify.SMTPConfig{Addr: n.smtpAddr, From: n.smtpFrom})
	if err != nil {
		return finding{fail, "smtp", "smtp_invalid", fmt.Sprintf("Cấu hình thư không hợp lệ: %v.", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	if err := s.Check(ctx); err != nil {
		return finding{fail, "smtp", "smtp_unreachable", fmt.Sprintf("Máy chủ thư %s không trả lời EHLO: %v — kiểm tra --smtp-addr (MOTCUA_SMTP_ADDR) và tường lửa.", n.smtpAddr, err)}
	}
	return ok("smtp", fmt.Sprintf("Máy chủ thư %s trả lời EHLO.", n.smtpAddr))
}

// clamd answers PING with PONG. The demo plays no virus scanner: without
// --clamd its line is green and says so (as public-url's says the demo
// serves plain http), for nothing is wrong with a demo as started.
func (d doctor) clamd(ctx context.Context) finding {
	if d.sf.clamd == "" && d.demo {
		return ok("clamd", "Bản demo, --clamd trống: tệp tải lên không được quét mã độc — khi dùng thật, cài clamav-daemon và đặt --clamd.")
	}
	if d.sf.clamd == "" {
		return finding{note, "clamd", "clamd_not_configured", "Chưa cấu hình clamd (--clamd): tệp tải lên không được quét mã độc."}
	}
	c, err := scan.New(d.sf.clamd, doctorTimeout)
	if err != nil {
		return finding{fail, "clamd", "clamd_invalid", fmt.Sprintf("--clamd không hợp lệ: %v.", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		return finding{fail, "clamd", "clamd_unreachable", fmt.Sprintf("clamd tại %s không trả lời PING: %v — kiểm tra dịch vụ clamav-daemon và --clamd; khi nó không trả lời, mọi tệp tải lên bị từ chối.", c, err)}
	}
	v, _ := c.Version(ctx)
	return ok("clamd", fmt.Sprintf("clamd tại %s trả lời (%s).", c, v))
}

// backups: the newest motcua-YYYYMMDD-HHMMSS.tar.gz (UTC) in --backup-dir
// (what `motcua backup` and serve's daily backup write) is recent. With
// --demo: no --backup-dir is a demo without backups, said in a green line;
// and on a fresh demo database serve takes the first backup at start
// (creating the directory), so none yet is not a fault either.
func (d doctor) backups(fresh bool) finding {
	dir := d.sf.backupDir
	if dir == "" && d.demo {
		return ok("backup", "Bản demo, --backup-dir trống: không sao lưu — khi dùng thật, đặt --backup-dir để serve sao lưu hằng ngày.")
	}
	if dir == "" {
		return finding{note, "backup", "backup_not_configured", "Chưa cấu hình sao lưu (--backup-dir): không có bản sao lưu nào để khôi phục khi hỏng đĩa."}
	}
	entries, err := os.ReadDir(dir)
	if fresh && (os.IsNotExist(err) || err == nil && !hasBackup(entries)) {
		return ok("backup", fmt.Sprintf("Thư mục sao lưu %s chưa có bản nào: serve --demo sao lưu lần đầu ngay khi khởi động.", dir))
	}
	if err != nil {
		return finding{fail, "backup", "backup_dir_unreadable", fmt.Sprintf("Không đọc được thư mục sao lưu %s: %v.", dir, err)}
	}
	re := regexp.MustCompile(backupPattern)
	var newest time.Time
	var name string
	for _, e := range entries {
		m := re.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		t, err := time.Parse("20060102-150405", m[1])
		if err == nil && t.After(newest) {
			newest, name = t, e.Name()
		}
	}
	if name == "" {
		return finding{fail, "backup", "backup_missing", fmt.Sprintf("Thư mục sao lưu %s chưa có bản nào (motcua-YYYYMMDD-HHMMSS.tar.gz) — chạy motcua backup.", dir)}
	}
	age := d.now().Sub(newest).Round(time.Minute)
	if age > maxBackupAge {
		return finding{fail, "backup", "backup_too_old", fmt.Sprintf("Bản sao lưu mới nhất %s đã %v (quá %v) — kiểm tra việc sao lưu hằng ngày của serve.", filepath.Join(dir, name), age, maxBackupAge)}
	}
	return ok("backup", fmt.Sprintf("Bản sao lưu mới nhất %s, cách đây %v.", filepath.Join(dir, name), age))
}

// hasBackup: one of entries is named as a backup.
func hasBackup(entries []os.DirEntry) bool {
	re := regexp.MustCompile(backupPattern)
	for _, e := range entries {
		if re.MatchString(e.Name()) {
			return true
		}
	}
	return false
}

// settings: each outside service's flags are given all together or not at
// all (serve refuses some halves, and runs others half-broken); with
// --demo a group left empty is played by its simulator.
func (d doctor) settings() []finding {
	sf := d.sf
	cscSecret := sf.esign.secretFile
	if cscSecret == "" && os.Getenv("MOTCUA_CSC_CLIENT_SECRET") != "" {
		cscSecret = "(MOTCUA_CSC_CLIENT_SECRET)"
	}
	groups := []struct {
		check, what string
		flags       []string
		values      []string
		sim         bool // --demo plays it when the group is empty
		off         string
	}{
		{"sms", "cổng SMS", []string{"sms-url"}, []string{sf.notify.smsURL}, true, "SMS chờ trong hàng đợi, không gửi đi"},
		{"vnpay", "VNPAY", []string{"vnpay-tmn-code", "vnpay-hash-secret", "vnpay-url"}, []string{sf.payment.tmnCode, sf.payment.hashSecret, sf.payment.url}, true, "lệ phí nộp tại quầy"},
		{"postal", "bưu chính", []string{"postal-url", "postal-token", "postal-webhook-secret"}, []string{sf.postal.url, sf.postal.token, sf.postal.secret}, true, "kết quả trả tại quầy"},
		{"dvcqg", "Cổng DVC quốc gia", []string{"dvcqg-url", "dvcqg-token"}, []string{sf.portal.url, sf.portal.token}, true, "các lần đồng bộ chờ trong hàng đợi"},
		{"oidc", "đăng nhập VNeID", []string{"oidc-issuer", "oidc-client-id", "oidc-client-secret"}, []string{sf.vneid.issuer, sf.vneid.clientID, sf.vneid.clientSecret}, true, "người dân chỉ đăng nhập bằng mật khẩu"},
		{"dancu", "CSDL quốc gia về dân cư", []string{"dancu-url", "dancu-token", "dancu-agency"}, []string{sf.dancu.url, sf.dancu.token, sf.dancu.agency}, true, "thông tin người nộp được gõ tay"},
		{"land", "HTTT quốc gia về đất đai", []string{"land-url", "land-token"}, []string{sf.land.url, sf.land.token}, true, "biến động đất đai chờ trong hàng đợi"},
		{"csc", "ký số từ xa (CSC)", []string{"csc-url", "csc-client-id", "csc-client-secret-file", "seal-pkcs11-module"}, []string{sf.esign.cscURL, sf.esign.clientID, cscSecret, sf.esign.module}, true, "kết quả không được ký số trong ứng dụng"},
	}
	var out []finding
	for _, g := range groups {
		var missing, all []string
		for i, v := range g.values {
			all = append(all, "--"+g.flags[i])
			if v == "" {
				missing = append(missing, "--"+g.flags[i])
			}
		}
		switch {
		case len(missing) == 0:
			out = append(out, ok(g.check, "Đã cấu hình "+g.what+"."))
		case len(missing) == len(g.flags) && d.demo && g.sim:
			out = append(out, ok(g.check, "Bản demo: "+g.what+" được mô phỏng."))
		case len(missing) == len(g.flags):
			out = append(out, finding{note, g.check, g.check + "_not_configured", "Chưa cấu hình " + g.what + ": " + g.off + "."})
		default:
			out = append(out, finding{fail, g.check, g.check + "_incomplete", fmt.Sprintf("Cấu hình %s thiếu %s — cần đủ cả nhóm %s hoặc bỏ hết.",
				g.what, strings.Join(missing, ", "), strings.Join(all, ", "))})
		}
	}
	return out
}

// freeBytes is the space left to an unprivileged writer under dir;
// errNoStatfs where the system does not say (doctor_statfs.go).
var errNoStatfs = errors.New("not available on this system")
