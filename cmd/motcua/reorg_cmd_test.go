package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// TestReorgCommand: plan --dry-run reports in Vietnamese and changes
// nothing; apply carries the plan out and again is a no-op; a future plan
// is scheduled, listed and reverted; a refused plan fails the command.
func TestReorgCommand(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := prepare(ctx, db); err != nil {
		t.Fatal(err)
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		var c1 unit.Unit
		for _, u := range []struct{ code, name, level, parent string }{
			{"000.00.00.H98", "UBND tỉnh Thử", unit.Province, ""},
			{"000.01.01.H98", "UBND xã Một", unit.Commune, "000.00.00.H98"},
			{"000.02.01.H98", "UBND xã Hai", unit.Commune, "000.00.00.H98"},
		} {
			got, err := app.Units.Create(ctx, tx, unit.Unit{Code: u.code, Name: u.name, Level: u.level}, u.parent)
			if err != nil {
				return err
			}
			if u.code == "000.01.01.H98" {
				c1 = got
			}
		}
		usr, err := app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "xa1.tiepnhan", FullName: "Cán bộ", Kind: "officer"},
			Password: demo.Password})
		if err != nil {
			return err
		}
		return app.Auth.Grant(ctx, tx, usr.ID, c1.ID, auth.Reception)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	write := func(name, id, effective, from string) string {
		path := filepath.Join(t.TempDir(), name)
		body := `{"id": "` + id + `", "title": "Nhập xã Một vào xã Hai", "effective": "` + effective + `",
			"basis": ["Nghị quyết thử"], "merge": [{"into": "000.02.01.H98", "from": ["` + from + `"]}]}`
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	now := write("now.json", "nhap-xa", "2025-07-01", "000.01.01.H98")
	later := write("later.json", "nhap-xa-sau", "2099-01-01", "000.01.01.H98")
	bad := write("bad.json", "sai", "2025-07-01", "000.09.01.H98")
	rename := filepath.Join(t.TempDir(), "rename.json")
	if err := os.WriteFile(rename, []byte(`{"id": "doi-ten", "title": "Đổi tên xã Hai", "effective": "2099-01-01",
		"basis": ["Nghị quyết thử"], "rename": [{"unit": "000.02.01.H98", "name": "UBND xã Hai Mới"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		fails   bool
		outputs []string
	}{
		{"dry run", []string{"reorg", "plan", now, "--dry-run"}, false,
			[]string{"chạy thử", "Nhập 000.01.01.H98 UBND xã Một vào 000.02.01.H98", "xa1.tiepnhan", "000.01.01.H98 → 000.02.01.H98"}},
		{"plan without --dry-run", []string{"reorg", "plan", now}, true, nil},
		{"a refused plan", []string{"reorg", "plan", bad, "--dry-run"}, true, []string{"Bị từ chối", "merge[0].from[0]", "000.09.01.H98"}},
		{"nothing listed after the dry run", []string{"reorg", "list"}, false, nil},
		{"apply", []string{"reorg", "apply", now}, false, []string{"đã thực hiện", "xa1.tiepnhan"}},
		{"apply again", []string{"reorg", "apply", now}, false, []string{"cùng nội dung"}},
		{"schedule", []string{"reorg", "apply", later}, true, []string{"Bị từ chối"}}, // xã Một is merged already
		{"schedule a rename", []string{"reorg", "apply", rename}, false, []string{"lên lịch", "Đổi tên 000.02.01.H98 UBND xã Hai thành UBND xã Hai Mới"}},
		{"list", []string{"reorg", "list"}, false, []string{"01/07/2025  nhap-xa  applied", "01/01/2099  doi-ten  scheduled"}},
		{"revert an applied plan", []string{"reorg", "revert", "nhap-xa"}, true, nil},
		{"revert the scheduled one", []string{"reorg", "revert", "doi-ten"}, false, []string{"Đã hủy kế hoạch doi-ten"}},
		{"list after the revert", []string{"reorg", "list"}, false, []string{"doi-ten  reverted"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(ctx, append(c.args, "--data", dir), nil, &out, &errOut)
			if (err != nil) != c.fails {
				t.Fatalf("err %v, want failure %v\n%s", err, c.fails, out.String())
			}
			for _, s := range c.outputs {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
			if c.name == "nothing listed after the dry run" && out.Len() != 0 {
				t.Errorf("the dry run stored a plan:\n%s", out.String())
			}
		})
	}
}
