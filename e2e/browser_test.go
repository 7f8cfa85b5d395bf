// Package e2e drives the real motcua server, started in-process on a fresh
// SQLite database with the demo world, with a real headless Chromium. It
// checks what only a browser sees: keyboard use of the forms, layout at
// phone width, accessibility (axe-core) and the bytes a page costs.
//
// The tests need Chromium (/usr/bin/chromium, Debian package chromium, or
// the binary MOTCUA_CHROMIUM names). Without it they skip, except with
// CI=true, where a missing browser fails the run: CI must not go green by
// testing nothing. Screenshots and reports go to MOTCUA_ARTIFACTS, by
// default e2e/artifacts/ (git-ignored).
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// stepTimeout bounds every helper, so a hung page or browser fails the test
// with a message instead of blocking until go test's global timeout.
const stepTimeout = 30 * time.Second

// chromiumPath returns the browser to run, or skips the test (fails it in CI).
// MOTCUA_CHROMIUM, when set, is the only candidate, so a developer can point
// at another build or simulate a machine without a browser.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/chromium"}
	if p := os.Getenv("MOTCUA_CHROMIUM"); p != "" {
		candidates = []string{p}
	} else if p, err := exec.LookPath("chromium"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	msg := "Chromium not found at " + candidates[0] + " (apt-get install chromium, or set MOTCUA_CHROMIUM)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; browser tests are required in CI")
	}
	t.Skip(msg + "; set CI=true to make this a failure")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// chromedp context for one tab in it. The browser lives until the test ends.
// Every flag that lets Chromium talk to the network by itself is off: the
// machines that run this have no network, and a background request would
// also pollute the page-weight measurements.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	// The profile directory is made before the browser's cleanup is
	// registered, so cleanups (last in, first out) stop Chromium first and
	// only then delete its profile.
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container: the sandbox cannot start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// Start the browser on a context without a deadline: the first Run
	// binds the browser's life to its context (chromedp docs, example 21).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// step derives the context for one helper's work from a browser context.
func step(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, stepTimeout)
}

// fatalIf fails the test for err, saying plainly when a step timed out.
func fatalIf(t *testing.T, err error, what string) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		t.Fatalf("%s: no answer within %s: %v", what, stepTimeout, err)
	default:
		t.Fatalf("%s: %v", what, err)
	}
}

// visit loads url in the tab, waits for its load event and fails the test
// unless the page answered 200.
func visit(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.Run(sctx, chromedp.NavigateResponse(url))
	fatalIf(t, err, "visit "+url)
	if resp.Status != 200 {
		t.Fatalf("visit %s: status %d, want 200", url, resp.Status)
	}
}

// typeAndEnter types text into the field with the given id and presses
// Enter, as a keyboard user submits a form, then waits for the page that
// the submission loads and fails the test unless it answered 200. It
// returns the URL the browser ended on, after any redirect.
func typeAndEnter(t *testing.T, ctx context.Context, id, text string) string {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, chromedp.SendKeys(chromedp.ID(id), text+kb.Enter))
	fatalIf(t, err, "type into #"+id+" and press Enter")
	if resp.Status != 200 {
		t.Fatalf("submitting #%s: %s answered %d, want 200", id, resp.URL, resp.Status)
	}
	return resp.URL
}

// typeInto types text into the field with the given id, without submitting.
func typeInto(t *testing.T, ctx context.Context, id, text string) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.SendKeys(chromedp.ID(id), text)), "type into #"+id)
}

// text returns the text of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(css)))
	fatalIf(t, err, "text of "+css)
	return s
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	fatalIf(t, err, "evaluate "+expr)
	return v
}

// artifactsDir returns the directory for screenshots and reports, creating
// it: MOTCUA_ARTIFACTS, or artifacts/ beside these tests.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MOTCUA_ARTIFACTS")
	if dir == "" {
		dir = "artifacts" // go test runs in the package directory: e2e/artifacts
	}
	dir, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// artifactName turns a test and page name into a file name prefix.
// Subtests share their parent's prefix: page names are unique per test.
func artifactName(t *testing.T, page string) string {
	test, _, _ := strings.Cut(t.Name(), "/")
	return unsafeName.ReplaceAllString(test+"-"+page, "_")
}

// A viewport the screenshots are taken at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	phone   = viewport{"phone", 360, 740, true}
	desktop = viewport{"desktop", 1280, 900, false}
)

// emulate switches the tab to v (device scale 1; phones get mobile and
// touch emulation, so the page's meta viewport applies) and waits for a
// frame, so the layout reflects the new width before anyone measures it.
func emulate(t *testing.T, ctx context.Context, v viewport) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1), chromedp.EmulateLandscape}
	if v.mobile {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(1), chromedp.EmulatePortrait,
			chromedp.EmulateMobile, chromedp.EmulateTouch}
	}
	sctx, cancel := step(ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.EmulateViewport(v.width, v.height, opts...)), "emulate "+v.name)
	if ctx.Value(scriptsOff{}) != nil {
		// Animation frame callbacks are page scripts too and never run
		// there; reading the layout brings it up to date instead.
		// Media queries see the layout viewport, scrollbar or not.
		if !eval[bool](t, ctx, fmt.Sprintf(`matchMedia('(width: %dpx)').matches`, v.width)) {
			t.Fatalf("emulate %s: the viewport is not %dpx wide", v.name, v.width)
		}
		return
	}
	eval[chromedp.Void](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`)
}

// scriptsOff is the key of a context value that marks a tab whose pages'
// scripts are disabled (Emulation.setScriptExecutionDisabled); the test's
// own expressions, evaluated through the DevTools protocol, still run.
type scriptsOff struct{}

// screenshots saves full-page PNGs of the current page at phone and desktop
// width as <artifacts>/<Test>-<page>-{phone,desktop}.png. At phone width it
// also fails the test if the page scrolls sideways, the commonest way a
// layout breaks on the phones most citizens use. The tab is left at
// desktop width.
func screenshots(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	dir := artifactsDir(t)
	for _, v := range []viewport{phone, desktop} {
		emulate(t, ctx, v)
		if v == phone {
			// Not window.innerWidth: under mobile emulation Chrome widens
			// it to the content (a 900px element gives 908), so it never
			// shows the overflow; clientWidth stays the 360px viewport.
			w := eval[[2]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
			if w[0] > w[1] {
				t.Errorf("%s at %dpx: page is %dpx wide and scrolls sideways", page, w[1], w[0])
			}
		}
		sctx, cancel := step(ctx)
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
		cancel()
		fatalIf(t, err, "screenshot "+page)
		file := filepath.Join(dir, artifactName(t, page)+"-"+v.name+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", file)
	}
}
