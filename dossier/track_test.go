package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/throttle"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// withService is w with its dossier service rebuilt from cfg (the
// tracking limits and clock of a test).
func withService(db *store.DB, w world, cfg dossier.Config) world {
	au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: w.units})
	w.ds = dossier.NewService(db, w.units, catalog.NewStore(db, nil), au, flatCalendar{}, cfg)
	return w
}

// submit files a dossier of w's procedure at Gia Lâm for app as a.
func submit(t *testing.T, w world, a *auth.Actor, app dossier.Applicant) *dossier.Dossier {
	t.Helper()
	form := map[string]any{}
	for k, v := range filled(w).Form {
		form[k] = v
	}
	d, _, err := w.ds.Submit(t.Context(), a, dossier.SubmitInput{Procedure: w.proc.Code, Unit: demo.GiaLamCode,
		Applicant: app, Form: form, Delivery: "counter"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func from(ctx context.Context, addr string) context.Context {
	return clientip.With(ctx, netip.MustParseAddr(addr))
}

// nextCode is the code the unit's desk gives next, the same day: codes
// are sequential, as the law prints them.
func nextCode(t *testing.T, code string, by int) string {
	t.Helper()
	i := strings.LastIndex(code, "-")
	var n int
	if _, err := fmt.Sscanf(code[i+1:], "%d", &n); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s-%04d", code[:i], n+by)
}

// TestTrackNeedsSecondFactor (issue 8, finding 6): with sequential codes,
// the code alone let anyone walk a unit's day and read who filed what.
// Now tracking needs the QR code's token or the last four digits of the
// applicant's phone, and every failure is the same answer, so a walk
// learns nothing, not even which codes exist.
func TestTrackNeedsSecondFactor(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d := submit(t, w, w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "037085001234", Phone: "0912345678"})
		noPhone := submit(t, w, w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "037085001234"})
		other := submit(t, w, w.citizen, dossier.Applicant{Name: "Lê Thị Hoa", Phone: "+84987654321"})
		if len(d.TrackToken) != 32 || d.TrackToken == noPhone.TrackToken {
			t.Fatalf("tokens %q, %q: want 32 hex digits, one per dossier", d.TrackToken, noPhone.TrackToken)
		}
		if !strings.Contains(d.TrackPath(), "?ma="+d.Code+"&t="+d.TrackToken) {
			t.Errorf("TrackPath %q does not carry the code and the token", d.TrackPath())
		}
		gialam, err := w.units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		gialamName := gialam.Name
		missing := nextCode(t, other.Code, 1)
		tests := []struct {
			name  string
			code  string
			proof dossier.TrackProof
			ok    bool
		}{
			{"the QR code's token", d.Code, dossier.TrackProof{Token: d.TrackToken}, true},
			{"the phone's last digits", d.Code, dossier.TrackProof{PhoneLast4: "5678"}, true},
			{"lower case, spaces", " " + strings.ToLower(d.Code), dossier.TrackProof{PhoneLast4: " 5678 "}, true},
			{"an international phone number", other.Code, dossier.TrackProof{PhoneLast4: "4321"}, true},
			{"a wrong token, right digits", d.Code, dossier.TrackProof{Token: noPhone.TrackToken, PhoneLast4: "5678"}, true},
			{"the code alone", d.Code, dossier.TrackProof{}, false},
			{"another dossier's token", d.Code, dossier.TrackProof{Token: noPhone.TrackToken}, false},
			{"wrong digits", d.Code, dossier.TrackProof{PhoneLast4: "5679"}, false},
			{"more digits", d.Code, dossier.TrackProof{PhoneLast4: "45678"}, false},
			{"three digits", d.Code, dossier.TrackProof{PhoneLast4: "678"}, false},
			{"no phone on the dossier", noPhone.Code, dossier.TrackProof{PhoneLast4: "0000"}, false},
			{"no phone, empty digits", noPhone.Code, dossier.TrackProof{PhoneLast4: "    "}, false},
			{"the next code, alone", missing, dossier.TrackProof{}, false},
			{"the next code with a token", missing, dossier.TrackProof{Token: d.TrackToken}, false},
			{"the next code with digits", missing, dossier.TrackProof{PhoneLast4: "5678"}, false},
		}
		var want *problem.Error
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tr, err := w.ds.Track(ctx, tt.code, tt.proof)
				if tt.ok {
					if err != nil || tr.Code != strings.ToUpper(strings.TrimSpace(tt.code)) {
						t.Fatalf("Track: %v, %+v", err, tr)
					}
					// The unit by name, on the answer and on the steps
					// that name it (read with the history's units).
					if tr.Unit != gialamName || len(tr.Steps) == 0 || tr.Steps[0].Unit != gialamName {
						t.Fatalf("Track's unit %q, steps %+v; want %q", tr.Unit, tr.Steps, gialamName)
					}
					return
				}
				if !errors.Is(err, problem.ErrNotFound) || tr != nil {
					t.Fatalf("Track: %+v, %v; want not found", tr, err)
				}
				// One answer for a missing code and a wrong factor.
				if got := problem.Public(err); want == nil {
					want = got
				} else if got.Code != want.Code || got.Variant != want.Variant || len(got.Params) != len(want.Params) {
					t.Errorf("answer %+v differs from %+v", got, want)
				}
			})
		}
		// A walk of the day's codes without a factor finds nothing.
		for i := -3; i <= 3; i++ {
			if tr, err := w.ds.Track(ctx, nextCode(t, d.Code, i), dossier.TrackProof{}); err == nil {
				t.Errorf("code %s alone shows %+v", tr.Code, tr)
			}
		}
	})
}

// TestTrackThrottled (issue 8, finding 6): tracking had no rate limit.
// Every lookup takes a token of the client address's bucket; wrong phone
// digits also take one of the code's, so many addresses cannot share out
// the 10,000 guesses; the QR code's token still works when the digits are
// throttled, and an unknown code is throttled exactly like a real one.
func TestTrackThrottled(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		w := withService(db, newWorld(t, db), dossier.Config{FilesDir: t.TempDir(), Now: clk.Now,
			TrackLimit:      throttle.Config{Burst: 3, Per: time.Minute},
			TrackDigitLimit: throttle.Config{Burst: 2, Per: time.Hour}})
		d := submit(t, w, w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "037085001234", Phone: "0912345678"})
		right := dossier.TrackProof{PhoneLast4: "5678"}

		a := from(ctx, "203.0.113.7")
		for i := range 3 {
			if _, err := w.ds.Track(a, d.Code, right); err != nil {
				t.Fatalf("lookup %d: %v", i+1, err)
			}
		}
		_, err := w.ds.Track(a, d.Code, right)
		wait, ok := problem.RetryAfter(err)
		if !errors.Is(err, problem.ErrTooMany) || !ok || wait <= 0 || wait > time.Minute {
			t.Fatalf("4th lookup from one address: %v (retry after %v)", err, wait)
		}
		if pe := problem.Public(err); pe.Code != "track_throttled" || len(pe.Params) != 1 || pe.Params[0] != 1 {
			t.Errorf("throttled answer %+v, want track_throttled with 1 minute", pe)
		}
		if _, err := w.ds.Track(from(ctx, "2001:db8::1"), d.Code, right); err != nil {
			t.Errorf("another address is throttled too: %v", err)
		}
		clk.Add(time.Minute)
		if _, err := w.ds.Track(a, d.Code, right); err != nil {
			t.Errorf("a minute later: %v", err)
		}

		// Wrong digits, each from a fresh address: the code's bucket.
		missing := nextCode(t, d.Code, 1)
		for _, code := range []string{d.Code, missing} {
			for i := range 2 {
				ip := from(ctx, fmt.Sprintf("198.51.100.%d", i+1))
				if _, err := w.ds.Track(ip, code, dossier.TrackProof{PhoneLast4: "0000"}); !errors.Is(err, problem.ErrNotFound) {
					t.Fatalf("%s: wrong digits %d: %v", code, i+1, err)
				}
			}
			_, err := w.ds.Track(from(ctx, "198.51.100.9"), code, right)
			if wait, ok := problem.RetryAfter(err); !errors.Is(err, problem.ErrTooMany) || !ok || wait != time.Hour {
				t.Errorf("%s: right digits after 2 wrong ones: %v (retry after %v), want throttled", code, err, wait)
			}
		}
		if _, err := w.ds.Track(from(ctx, "198.51.100.9"), d.Code, dossier.TrackProof{Token: d.TrackToken}); err != nil {
			t.Errorf("the QR code's token while the digits are throttled: %v", err)
		}
		clk.Add(time.Hour)
		if _, err := w.ds.Track(from(ctx, "198.51.100.9"), d.Code, right); err != nil {
			t.Errorf("an hour later: %v", err)
		}
	})
}
