package demo_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vntext"
)

// TestLive generates the last 60 days on the two-tier world: every queue
// of every desk has work, the II.06a counts of the period balance at
// every unit, and a second start generates nothing.
func TestLive(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates two months of a small province")
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		app := newApp(t, db)
		if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, ict)
		cfg := demo.LiveConfig{DB: db, DataDir: t.TempDir(), Share: 0.02, Now: func() time.Time { return now }}
		st, ran, err := demo.Live(ctx, cfg)
		if err != nil || !ran {
			t.Fatalf("Live: %v (ran %v)", err, ran)
		}
		t.Log(st)

		byStatus, err := app.Dossiers.CountByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []dossier.State{dossier.Submitted, dossier.Processing, dossier.SupplementRequested, dossier.ResultReady,
			dossier.Delivered, dossier.WithdrawalRequested} {
			if byStatus[s] == 0 {
				t.Errorf("no dossier is %s: %v", s, byStatus)
			}
		}
		// Every commune's leader has a dossier to approve, every desk one
		// to receive and a result to hand back.
		for n := 1; n <= 10; n++ {
			committee, err := app.Units.ByCode(ctx, fmt.Sprintf("000.%02d.37.H40", n))
			if err != nil {
				t.Fatal(err)
			}
			prefix := slug(committee.ShortName)
			switch n {
			case 1:
				prefix = "huyen"
			case 2:
				prefix = "gialam"
			}
			for _, c := range []struct {
				status dossier.State
				user   string
				role   string
			}{{dossier.Processing, prefix + ".lanhdao", "leader"}, {dossier.Submitted, prefix + ".tiepnhan", ""},
				{dossier.ResultReady, prefix + ".tiepnhan", ""}, {dossier.SupplementRequested, prefix + ".tiepnhan", ""}} {
				a, err := app.Auth.UserByName(ctx, c.user)
				if err != nil {
					t.Fatal(err)
				}
				ds, err := app.Dossiers.List(ctx, a, dossier.Filter{Status: c.status})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, d := range ds {
					found = found || c.role == "" || d.StepRole == c.role
				}
				if !found {
					t.Errorf("%s sees no dossier %s (%s) among %d", c.user, c.status, c.role, len(ds))
				}
			}
		}
		var owed, paid, posted, rated int
		for q, n := range map[string]*int{
			`SELECT COUNT(*) FROM payments WHERE state = 'requested'`:                  &owed,
			`SELECT COUNT(*) FROM payments WHERE state = 'paid' AND gateway = 'vnpay'`: &paid,
			`SELECT COUNT(*) FROM postal_shipments WHERE handed_over_at IS NOT NULL`:   &posted,
			`SELECT COUNT(*) FROM ratings`:                                             &rated,
		} {
			if err := db.QueryRowContext(ctx, q).Scan(n); err != nil {
				t.Fatal(err)
			}
		}
		if owed == 0 || paid == 0 || posted == 0 || rated == 0 {
			t.Errorf("fees owed %d, paid online %d, results by post %d, ratings %d: want some of each", owed, paid, posted, rated)
		}

		// The II.06a counts of the 60 days account for every dossier received.
		from := now.AddDate(0, 0, -demo.LiveDays-1)
		counts, err := report.New(db).Counts(ctx, from, now, report.CountOptions{Judge: app.Calendar.Current()})
		if err != nil {
			t.Fatal(err)
		}
		var total report.Count
		for _, c := range counts {
			if !c.Balanced() {
				t.Errorf("%s does not balance: %+v", c.Code, c)
			}
			total.Received += c.Received
			total.Resolved += c.Resolved
			total.InProgress += c.InProgress
		}
		if total.Received == 0 || total.Resolved == 0 || total.InProgress == 0 || total.Carried != 0 {
			t.Errorf("over the 60 days: %+v", total)
		}

		// A restart generates nothing.
		before := byStatus
		if _, ran, err := demo.Live(ctx, cfg); err != nil || ran {
			t.Fatalf("second Live: ran %v, %v", ran, err)
		}
		after, err := app.Dossiers.CountByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the second call changed the dossiers: %v, then %v", before, after)
		}
	})
}

// slug is the username prefix of a commune's officers: "Xã Gia Tường" → "giatuong".
func slug(name string) string {
	for _, p := range []string{"Xã ", "Phường "} {
		name = strings.TrimPrefix(name, p)
	}
	return strings.ReplaceAll(vntext.Fold(name), " ", "")
}
