package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// transfer is what one request of a page load cost on the wire.
type transfer struct {
	url   string
	bytes int64
	err   string // set when the request failed
}

// pageWeight loads url cold and returns the bytes transferred for the page
// and everything it loads (headers and bodies as sent, compressed or not),
// the cost a citizen on a metered phone plan pays; each request's share is
// logged. ctx should be a fresh browser from newBrowser; the HTTP cache is
// switched off as well, so nothing comes from an earlier load. It fails the
// test unless the page answered 200 and something was transferred. The tab
// is left on the page.
func pageWeight(t *testing.T, ctx context.Context, url string) int64 {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	_, err := chromedp.Call(sctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	fatalIf(t, err, "disable cache")

	// Listen (not Events) sees each event before the command after it
	// returns, in order; it must not block, so it only records under a lock.
	var (
		mu      sync.Mutex
		reqs    []transfer                    // in the order they started
		pending = map[network.RequestID]int{} // index in reqs
		settled = make(chan struct{}, 1)
	)
	finish := func(id network.RequestID, bytes int64, errText string) {
		if i, ok := pending[id]; ok {
			reqs[i].bytes, reqs[i].err = bytes, errText
			delete(pending, id)
		}
		if len(pending) == 0 {
			select {
			case settled <- struct{}{}:
			default:
			}
		}
	}
	err = chromedp.Listen(sctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			// Chromium probes /favicon.ico by itself, after the load
			// event and at a time of its choosing: counting it would make
			// the totals flip between runs. A page that links an icon
			// gets a parser-initiated request, which counts.
			if ev.Type == network.ResourceTypeOther && ev.Initiator.Type == network.InitiatorTypeOther &&
				strings.HasSuffix(ev.Request.URL, "/favicon.ico") {
				return
			}
			// A redirect reuses the request id; its bytes are counted
			// in the final LoadingFinished of that id.
			if _, ok := pending[ev.RequestID]; !ok {
				pending[ev.RequestID] = len(reqs)
				reqs = append(reqs, transfer{url: ev.Request.URL})
			}
		case *network.EventLoadingFinished:
			finish(ev.RequestID, int64(ev.EncodedDataLength), "")
		case *network.EventLoadingFailed:
			finish(ev.RequestID, 0, ev.ErrorText)
		}
	})
	fatalIf(t, err, "listen for network events")

	resp, err := chromedp.Run(sctx, chromedp.NavigateResponse(url))
	fatalIf(t, err, "load "+url)
	if resp.Status != 200 {
		t.Fatalf("load %s: status %d, want 200", url, resp.Status)
	}
	// The load event can arrive before the last LoadingFinished (a late
	// image, a fetch): wait until every request seen has ended.
	for {
		mu.Lock()
		n := len(pending)
		mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-settled:
		case <-sctx.Done():
			// Unlocked before failing: the listener may still be running.
			mu.Lock()
			open := fmt.Sprint(pending)
			mu.Unlock()
			t.Fatalf("load %s: requests still open after %s: %s", url, stepTimeout, open)
		}
	}
	mu.Lock()
	done := slices.Clone(reqs)
	mu.Unlock()
	var total int64
	var lines strings.Builder
	for _, tr := range done {
		total += tr.bytes
		fmt.Fprintf(&lines, "\n  %8d  %s", tr.bytes, tr.url)
		if tr.err != "" {
			lines.WriteString(" (failed: " + tr.err + ")")
		}
	}
	t.Logf("%s: %d bytes in %d requests:%s", url, total, len(done), lines.String())
	if total <= 0 {
		t.Fatalf("load %s: %d bytes transferred, want > 0", url, total)
	}
	return total
}

// TestPageWeight measures a cold load of each public page in a fresh
// browser and reports the bytes, so a change that makes the pages heavier
// shows up in review. It asserts nothing about size: budgets come later,
// once there is a history of numbers to set them from.
func TestPageWeight(t *testing.T) {
	chromiumPath(t) // skip before starting the server when there is no browser
	m := startMotcua(t)
	code := m.submitDossier(t)
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"procedure", "/thu-tuc/1.001193"},
		{"tracking", "/tra-cuu?ma=" + code + "&sdt=5678"},
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\tpath\tbytes\t")
	for _, p := range pages {
		ctx := newBrowser(t) // a fresh profile per page: nothing cached
		fmt.Fprintf(tw, "%s\t%s\t%d\t\n", p.name, p.path, pageWeight(t, ctx, m.URL+p.path))
	}
	tw.Flush()
	t.Logf("cold-load transfer size, cache disabled:\n%s", table.String())
	file := filepath.Join(artifactsDir(t), "page-weight.txt")
	report := "Cold-load transfer size in bytes: on the wire, HTTP cache disabled, fresh profile,\n" +
		"Chromium's own /favicon.ico probe not counted. Per-request detail: go test -v ./e2e/\n\n" + table.String()
	if err := os.WriteFile(file, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("report %s", file)
}
