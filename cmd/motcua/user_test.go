package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

// Issue 8, finding 11: an operator could not reset a password or disable
// an account short of SQL. `motcua user passwd|disable|enable` do it, with
// the password from standard input only, and end the account's sessions.
func TestUserPasswdDisableEnable(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	cmd := func(stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "--data", dir), strings.NewReader(stdin), &out, &errb)
		return out.String(), err
	}
	if _, err := cmd("mat-khau-123\n", "user", "add", "ana", "--role", "citizen", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	app := func() *server.App {
		db, err := store.Open(ctx, store.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		a, err := server.New(ctx, db, server.Config{DataDir: dir, AuthParams: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}()
	session, _, err := app.Auth.Login(ctx, "ana", "mat-khau-123")
	if err != nil {
		t.Fatal(err)
	}
	alive := func() bool { _, err := app.Auth.Authenticate(ctx, session); return err == nil }

	for _, c := range []struct {
		name, stdin string
		args        []string
		wantErr     string
		wantOut     string
	}{
		{"nobody", "", []string{"user", "disable", "khong.co"}, "Không tìm thấy tài khoản khong.co", ""},
		{"short password", "123\n", []string{"user", "passwd", "ana"}, "ít nhất 8 ký tự", ""},
		{"unknown verb", "", []string{"user", "delete", "ana"}, "usage: motcua user", ""},
		{"passwd", "mat-khau-moi-456\n", []string{"user", "passwd", "ana"}, "", "password of ana changed"},
	} {
		out, err := cmd(c.stdin, c.args...)
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) || c.wantErr == "" && (err != nil || !strings.Contains(out, c.wantOut)) {
			t.Fatalf("%s: %q %v", c.name, out, err)
		}
	}
	if alive() {
		t.Fatal("a session survived passwd")
	}
	if _, _, err := app.Auth.Login(ctx, "ana", "mat-khau-123"); err == nil {
		t.Fatal("the old password still works")
	}
	session, _, err = app.Auth.Login(ctx, "ana", "mat-khau-moi-456")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("", "user", "disable", "ana"); err != nil || !strings.Contains(out, "ana disabled") {
		t.Fatalf("disable: %q %v", out, err)
	}
	if alive() {
		t.Fatal("a session survived disable")
	}
	if _, _, err := app.Auth.Login(ctx, "ana", "mat-khau-moi-456"); err == nil {
		t.Fatal("a disabled account logs in")
	}
	if out, err := cmd("", "user", "enable", "ana"); err != nil || !strings.Contains(out, "ana enabled") {
		t.Fatalf("enable: %q %v", out, err)
	}
	if _, _, err := app.Auth.Login(ctx, "ana", "mat-khau-moi-456"); err != nil {
		t.Fatalf("enabled account: %v", err)
	}
	// A lost phone: the operator turns the second factor off.
	secret := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(secret, time.Now())
	if err := app.Auth.SetTOTP(ctx, mustID(t, app, "ana"), secret, code); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("", "user", "totp-off", "ana"); err != nil || !strings.Contains(out, "two-factor sign-in of ana turned off") {
		t.Fatalf("totp-off: %q %v", out, err)
	}
	if on, _ := app.Auth.HasTOTP(ctx, mustID(t, app, "ana")); on {
		t.Fatal("TOTP still on")
	}
	// The key sealing TOTP secrets was made on first start, readable by its owner only.
	fi, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key: %v %v", fi, err)
	}
}

func mustID(t *testing.T, app *server.App, name string) int64 {
	t.Helper()
	a, err := app.Auth.UserByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}
