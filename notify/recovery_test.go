package notify_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// Issue 8, finding 11: a forgotten password could not be recovered. The
// link goes through the outbox by e-mail and SMS (whatever the account's
// preferences), never in-app, and the link in the message sets a new
// password once.
func TestRecoveryLinkSent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		bus := event.New()
		f.svc.Subscribe(bus)
		au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Now: f.clock.Now, Units: unit.NewStore(db, nil), Bus: bus})
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := au.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "an.nguyen", FullName: "Nguyễn Văn An", Kind: "citizen",
				Email: "an@example.vn", Phone: "0912345678"}, Password: "mat-khau-cu-1"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := au.RequestRecovery(ctx, "an@example.vn"); err != nil {
			t.Fatal(err)
		}
		if n := f.count("channel = 'inapp'"); n != 0 {
			t.Fatalf("%d in-app rows for a recovery link", n)
		}
		if n := f.count("kind = 'password_recovery' AND channel IN ('email', 'sms')"); n != 2 {
			t.Fatalf("%d recovery rows, want e-mail and SMS", n)
		}
		runOnce(t, f.worker("w1"))
		mails := f.smtp.To("an@example.vn")
		if len(mails) != 1 || !strings.Contains(mails[0].Subject, "an.nguyen") {
			t.Fatalf("mails %+v", mails)
		}
		sms := f.sms.Delivered()
		if len(sms) != 1 || !strings.Contains(sms[0].Text, publicURL+"/dat-lai-mat-khau?t=") {
			t.Fatalf("sms %+v", sms)
		}
		_, rawLink, ok := strings.Cut(mails[0].Body, publicURL+"/dat-lai-mat-khau?t=")
		if !ok {
			t.Fatalf("no link in:\n%s", mails[0].Body)
		}
		token, err := url.QueryUnescape(strings.Fields(rawLink)[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := au.Recover(ctx, token, "mat-khau-moi-2026"); err != nil {
			t.Fatalf("the e-mailed link: %v", err)
		}
		if _, _, err := au.Login(ctx, "an.nguyen", "mat-khau-moi-2026"); err != nil {
			t.Fatal(err)
		}
		if err := au.Recover(ctx, token, "mat-khau-thu-ba"); err == nil {
			t.Fatal("the link worked twice")
		}
	})
}
