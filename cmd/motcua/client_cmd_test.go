package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// `motcua client add|rotate|revoke|list`: the secret is printed once and
// works at the token endpoint's service; a rotation keeps the old one for
// the grace; a revocation ends both.
func TestClientCommand(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	cmd := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "--data", dir), strings.NewReader(""), &out, &errb)
		return out.String(), err
	}
	if _, err := cmd("client", "add", "Cổng tỉnh", "--scopes", "dossiers:read", "--right", "dossier.read@khong-co"); err == nil {
		t.Fatal("an unknown unit was accepted")
	}
	db, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app, err := server.New(ctx, db, server.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	code := "000.00.00.H40"
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := app.Units.Create(ctx, tx, unit.Unit{Code: code, Name: "UBND tỉnh", Level: unit.Province}, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	out, err := cmd("client", "add", "Cổng tỉnh", "--scopes", "dossiers:read,events:read,webhooks:manage", "--right", "dossier.read@"+code)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`client_id: (\S+)\nclient_secret: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("add printed %q", out)
	}
	id, secret := m[1], m[2]
	if _, _, _, err := app.Auth.ClientToken(ctx, id, secret, ""); err != nil {
		t.Fatalf("the printed secret: %v", err)
	}
	out, err = cmd("client", "list")
	if err != nil || !strings.Contains(out, id+"\tCổng tỉnh\tdossiers:read,events:read,webhooks:manage\tdossier.read@"+code) || !strings.Contains(out, "active") {
		t.Fatalf("list: %q %v", out, err)
	}
	out, err = cmd("client", "rotate", id)
	m2 := regexp.MustCompile(`client_secret: (\S+)`).FindStringSubmatch(out)
	if err != nil || m2 == nil || m2[1] == secret {
		t.Fatalf("rotate: %q %v", out, err)
	}
	for _, s := range []string{secret, m2[1]} {
		if _, _, _, err := app.Auth.ClientToken(ctx, id, s, ""); err != nil {
			t.Fatalf("during the grace: %v", err)
		}
	}
	if out, err = cmd("client", "revoke", id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if _, _, _, err := app.Auth.ClientToken(ctx, id, m2[1], ""); err == nil {
		t.Fatal("a revoked client got a token")
	}
	if _, err := cmd("client", "rotate", id); err == nil {
		t.Fatal("a revoked client was rotated")
	}
	if _, err := cmd("client", "frob"); err == nil || !strings.Contains(err.Error(), "usage: motcua client") {
		t.Fatalf("unknown verb: %v", err)
	}
}
