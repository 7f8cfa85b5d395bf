package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored from npm (see testdata/README.md).
//
//go:embed testdata/axe.min.js
var axeSource string

// axeRun runs the WCAG 2.0 and 2.1 level A and AA rules and keeps only what
// a failure message needs.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.map(n => n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : s).join(' '))
  })))`

// violation is one failed axe rule and the elements that fail it.
type violation struct {
	ID, Impact, Help string
	Targets          []string
}

func (v violation) String() string {
	first := v.Targets[:min(3, len(v.Targets))]
	return fmt.Sprintf("%s (%s): %s — %d element(s): %s", v.ID, v.Impact, v.Help, len(v.Targets), strings.Join(first, ", "))
}

// knownViolations lists axe rules that fail on a page today and that the
// page's owners have been told about, by page name as given to checkA11y.
// They are logged instead of failing the test so the check keeps guarding
// every other rule; delete an entry as soon as the page is fixed.
var knownViolations = map[string][]string{}

// checkA11y runs axe-core on the current page and fails the test listing
// each WCAG 2.1 A/AA violation (rule, impact, help, first failing elements).
//
// axe is injected through the DevTools protocol: Runtime.evaluate runs as
// the debugger, which the page's strict Content-Security-Policy (no inline
// or foreign scripts) does not govern, so the page is tested with the
// policy it is served with. The same page refuses an inline <script>.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if ctx.Value(scriptsOff{}) != nil {
		// axe waits on timers, which do not fire while the page's scripts
		// are disabled. Allow them for the check only: the page was
		// loaded, and stays, as it is without JavaScript (its own scripts
		// did not run and are not run again).
		setScripts(t, ctx, true)
		defer setScripts(t, ctx, false)
	}
	if !eval[bool](t, ctx, `typeof axe === 'object'`) {
		eval[chromedp.Void](t, ctx, axeSource+"\n;undefined")
	}
	vs := eval[[]violation](t, ctx, axeRun)
	var report []string
	for _, v := range vs {
		if slices.Contains(knownViolations[page], v.ID) {
			t.Logf("axe on %s: known violation, not failing: %s", page, v)
			continue
		}
		report = append(report, "  "+v.String())
	}
	if len(report) > 0 {
		t.Errorf("axe: %d accessibility violation(s) on %s:\n%s", len(report), page, strings.Join(report, "\n"))
	}
}

// setScripts switches the execution of the page's scripts on or off.
func setScripts(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	_, err := chromedp.Call(sctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
	fatalIf(t, err, fmt.Sprintf("switch scripts on=%v", on))
}
