package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestConcurrentCodesOfOneDesk: submissions racing to one desk each get
// their own number of the desk's day, including when some fail after
// being numbered (here a listener refuses them). On SQLite a failed
// submission gives its number back and the day has no gap; on PostgreSQL
// the number is taken before the submission's transaction, in a
// statement of its own, so the desk's counter is not locked for the whole
// transaction, and a failed submission's number stays unused: the codes
// are unique, not gap-free (nextCode).
func TestConcurrentCodesOfOneDesk(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		refused := errors.New("refused by a listener")
		bus := event.New()
		event.Subscribe(bus, "test.refuse", func(_ context.Context, _ *store.Tx, e dossier.Transitioned) error {
			if strings.HasPrefix(e.Dossier.Applicant.Name, "Refused") {
				return refused
			}
			return nil
		})
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		w := newWorldWith(t, db, func(c *dossier.Config) {
			c.Events = bus
			c.Now = func() time.Time { return at }
		})
		const n, everyRefused = 24, 4
		codes, errs := make([]string, n), make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("Nguyễn Văn %c", 'A'+i)
				if i%everyRefused == 0 {
					name = "Refused " + name
				}
				form := map[string]any{}
				for k, v := range filled(w).Form {
					form[k] = v
				}
				d, _, err := w.ds.Submit(t.Context(), w.reception, dossier.SubmitInput{Procedure: w.proc.Code, Unit: demo.GiaLamCode,
					Applicant: dossier.Applicant{Name: name, Phone: "0912345678"}, Form: form, Delivery: "counter"})
				if errs[i] = err; err == nil {
					codes[i] = d.Code
				}
			}()
		}
		wg.Wait()
		var prefix string
		var numbers []int
		for i, c := range codes {
			if refuse := i%everyRefused == 0; refuse != errors.Is(errs[i], refused) || (!refuse && errs[i] != nil) {
				t.Fatalf("submission %d: %v", i, errs[i])
			}
			if c == "" {
				continue
			}
			j := strings.LastIndexByte(c, '-')
			var k int
			if _, err := fmt.Sscanf(c[j+1:], "%04d", &k); err != nil || len(c)-j-1 != 4 {
				t.Fatalf("code %q: not <desk>-<yymmdd>-NNNN", c)
			}
			if prefix == "" {
				prefix = c[:j]
			}
			if c[:j] != prefix || !strings.HasSuffix(prefix, "-260302") {
				t.Fatalf("codes %v: not all of one desk's 2 March 2026", codes)
			}
			numbers = append(numbers, k)
		}
		slices.Sort(numbers)
		if len(slices.Compact(slices.Clone(numbers))) != len(numbers) {
			t.Fatalf("codes shared: %v", codes)
		}
		ok := n - n/everyRefused
		if len(numbers) != ok {
			t.Fatalf("%d codes, want %d", len(numbers), ok)
		}
		// The desk's day counter: how many numbers were taken.
		var taken int
		if err := db.QueryRowContext(t.Context(), `SELECT n FROM dossier_sequences WHERE prefix || '-' || day = ?`, prefix).Scan(&taken); err != nil {
			t.Fatal(err)
		}
		want := ok // SQLite: a failed submission gives its number back
		if db.Dialect == store.Postgres {
			want = n // numbered before its transaction, which then failed
		}
		if taken != want || numbers[len(numbers)-1] > taken || numbers[0] < 1 {
			t.Errorf("%d numbers taken, the codes have %v; want %d taken (%s)", taken, numbers, want, db.Dialect)
		}
	})
}
