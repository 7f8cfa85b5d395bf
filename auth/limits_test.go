package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestAccountTextLimits: an account's text fields have server-side
// maxima (issue 8, "input limits everywhere"); at the limit is fine.
func TestAccountTextLimits(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newAccountsWorld(t, db)
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("ă", n) }
	for i, c := range []struct {
		user     auth.User
		password string
		field    string // "" for accepted
	}{
		{auth.User{FullName: long(auth.MaxFullName)}, pw, ""},
		{auth.User{FullName: long(auth.MaxFullName + 1)}, pw, "full_name"},
		{auth.User{Title: long(auth.MaxTitle + 1)}, pw, "title"},
		{auth.User{Address: long(900 << 10)}, pw, "address"},
		{auth.User{Email: long(auth.MaxEmail + 1)}, pw, "email"},
		{auth.User{}, strings.Repeat("x", auth.MaxPassword+1), "password"},
	} {
		c.user.Username, c.user.Kind = "nguoi"+string(rune('a'+i)), "citizen"
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := w.svc.CreateUser(ctx, tx, auth.NewUser{User: c.user, Password: c.password})
			return err
		})
		var pe *problem.Error
		switch {
		case c.field == "" && err != nil:
			t.Errorf("case %d: %v, want accepted", i, err)
		case c.field != "" && (!errors.As(err, &pe) || pe.Field != c.field || pe.Code != "text_too_long"):
			t.Errorf("case %d: %v, want text_too_long on %s", i, err, c.field)
		}
	}
}
