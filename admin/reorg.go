package admin

import (
	"errors"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// The reorganisation pages: an admin uploads a plan file, reads the dry
// run (what would move, what is refused), applies it, and may cancel a
// scheduled plan before its date. reorg.Service checks that the admin
// administers every unit the plan names; these pages only keep what was
// typed or uploaded when something is refused, so nothing is lost.

// planListPage is the list of plans with the upload form.
type planListPage struct {
	web.Page
	Plans  []planRow
	Notice string
	Alert  Alert
	// Text is the plan as last sent, kept in the form after a refusal.
	Text string
	// MaxKiB is the largest plan accepted.
	MaxKiB int
}

type planRow struct {
	ID, Title, State string
	Effective        time.Time
	AppliedBy        string
}

// planReportPage is a dry run, the result of applying, or a stored plan.
type planReportPage struct {
	web.Page
	Plan      reorg.Plan
	Report    *reorg.Report
	State     string
	Effective time.Time
	Units     []changeRow
	ByState   []stateCount
	Dossiers  []dossierRow
	Roles     []roleMoveRow
	Refusals  []string
	// Text is the plan file, sent back by the "Áp dụng" form: the page
	// holds it, not the server, so nothing is stored before the admin applies.
	Text     string
	CanApply bool
	// Record is the stored plan, on its own page; CanRevert when it is
	// scheduled and its date has not come.
	Record    *reorg.Record
	CanRevert bool
	Alert     Alert
	Notice    string
}

type changeRow struct{ Op, Code, Name, To string }
type stateCount struct {
	State string
	N     int
}
type dossierRow struct {
	Code, State, From, To, ReceivingFrom, ReceivingTo string
	Due                                               time.Time
}
type roleMoveRow struct{ Username, Role, From, To string }

// readPlan reads the plan from a multipart form: the uploaded "file", else
// the pasted "plan" text. The body is limited, so a huge upload stops early.
func readPlan(w http.ResponseWriter, r *http.Request) (string, error) {
	tooLarge := problem.New(problem.ErrTooLarge, "plan_too_large", reorg.MaxPlanSize>>10)
	noPlan := problem.Invalid("file", "plan_required")
	r.Body = http.MaxBytesReader(w, r.Body, 2*reorg.MaxPlanSize+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", noPlan
	}
	var file, pasted string
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			if file = strings.TrimSpace(file); file != "" {
				return file, nil
			}
			if pasted = strings.TrimSpace(pasted); pasted != "" {
				return pasted, nil
			}
			return "", noPlan
		case errors.As(err, &mbe):
			return "", tooLarge
		case err != nil:
			return "", noPlan
		}
		name := part.FormName()
		if name != "file" && name != "plan" {
			part.Close()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, reorg.MaxPlanSize+1))
		part.Close()
		if errors.As(err, &mbe) || len(b) > reorg.MaxPlanSize {
			return "", tooLarge
		}
		if err != nil {
			return "", noPlan
		}
		if name == "file" {
			file = string(b)
		} else {
			pasted = string(b)
		}
	}
}

func (o *Admin) plans(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := o.adminPage(r, "admin.reorg.title")
	return o.renderPlans(w, r, a, planListPage{Page: p, Notice: o.notice(p, r)}, http.StatusOK)
}

// renderPlans lists the plans that name a unit the admin administers.
func (o *Admin) renderPlans(w http.ResponseWriter, r *http.Request, a *auth.Actor, p planListPage, status int) error {
	recs, err := o.reorg.List(r.Context())
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if !o.mayView(r, a, rec.Plan) {
			continue
		}
		p.Plans = append(p.Plans, planRow{ID: rec.ID, Title: rec.Title, State: enumText(p.Page, "admin.reorg.state.", rec.State),
			Effective: rec.Effective, AppliedBy: rec.AppliedBy})
	}
	p.MaxKiB = reorg.MaxPlanSize >> 10
	return o.render(w, status, "plans", p)
}

// mayView: a plan is shown to an admin who administers a unit it names;
// acting on it needs them all, which reorg.Service checks.
func (o *Admin) mayView(r *http.Request, a *auth.Actor, p reorg.Plan) bool {
	for _, code := range planUnits(p) {
		if _, err := o.units.Managed(r.Context(), a, code); err == nil {
			return true
		}
	}
	return false
}

// planUnits lists the existing units a plan names (the parents of the
// units it creates, and the units it renames, moves, merges and abolishes).
func planUnits(p reorg.Plan) []string {
	var out []string
	for _, c := range p.Create {
		out = append(out, c.Parent)
	}
	for _, x := range p.Rename {
		out = append(out, x.Unit)
	}
	for _, x := range p.Move {
		out = append(out, x.Unit, x.Parent)
	}
	for _, x := range p.Merge {
		out = append(out, x.Into)
		out = append(out, x.From...)
	}
	for _, x := range p.Abolish {
		out = append(out, x.Unit)
	}
	return out
}

// planFail shows the list page again with the refusal beside the upload
// form and the plan's text kept in it; a refusal that is not about the
// input (forbidden, internal) still keeps the text, so nothing is lost.
func (o *Admin) planFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, text string, err error) error {
	p := planListPage{Page: o.adminPage(r, "admin.reorg.title"), Text: text}
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	p.Alert = Alert{Form: "plan", Field: pe.Field, Text: p.Error(pe)}
	if key := "admin.err." + pe.Code; p.Has(key) {
		p.Alert.Text = p.T(key)
	}
	return o.renderPlans(w, r, a, p, problem.Status(err))
}

// postedPlan reads and parses the plan of a dry-run or apply form and
// hands it to act (the reorganisation service's call); a plan that cannot
// be read, parsed or carried out is shown again in the form with the
// reason, so nothing typed is lost. Otherwise show renders the report.
func (o *Admin) postedPlan(w http.ResponseWriter, r *http.Request,
	act func(*auth.Actor, reorg.Plan) (reorg.Report, error), show func(text string, plan reorg.Plan, rep *reorg.Report) error) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	text, err := readPlan(w, r)
	if err != nil {
		return o.planFail(w, r, a, text, err)
	}
	plan, err := reorg.Parse(strings.NewReader(text))
	if err != nil {
		return o.planFail(w, r, a, text, err)
	}
	rep, err := act(a, plan)
	if err != nil {
		return o.planFail(w, r, a, text, err)
	}
	return show(text, plan, &rep)
}

// dryRun is the upload: the plan is parsed and carried out inside a
// transaction that is rolled back, and the page shows what would move.
func (o *Admin) dryRun(w http.ResponseWriter, r *http.Request) error {
	act := func(a *auth.Actor, plan reorg.Plan) (reorg.Report, error) {
		return o.reorg.DryRun(r.Context(), a, plan)
	}
	return o.postedPlan(w, r, act, func(text string, plan reorg.Plan, rep *reorg.Report) error {
		p := o.reportPage(o.adminPage(r, "admin.reorg.dry_run_title", plan.Title), plan, rep)
		p.Text, p.CanApply = text, len(rep.Refused) == 0 && rep.State == reorg.DryRun
		return o.render(w, http.StatusOK, "plan", p)
	})
}

// apply carries out (or schedules) the plan the dry run page sent back.
func (o *Admin) apply(w http.ResponseWriter, r *http.Request) error {
	act := func(a *auth.Actor, plan reorg.Plan) (reorg.Report, error) { return o.reorg.Apply(r.Context(), a, plan) }
	return o.postedPlan(w, r, act, func(_ string, plan reorg.Plan, rep *reorg.Report) error {
		p := o.reportPage(o.adminPage(r, "admin.reorg.result_title", plan.Title), plan, rep)
		p.Notice = enumText(p.Page, "admin.reorg.done.", rep.State)
		return o.render(w, http.StatusOK, "plan", p)
	})
}

// planPage shows a stored plan: its state, and what it moved when applied.
func (o *Admin) planPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderPlan(w, r, a, http.StatusOK, Alert{})
}

func (o *Admin) renderPlan(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, al Alert) error {
	rec, err := o.reorg.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !o.mayView(r, a, rec.Plan) {
		return problem.Forbidden("not_your_unit")
	}
	p := o.reportPage(o.adminPage(r, "admin.reorg.plan_title", rec.Title), rec.Plan, rec.Report)
	p.Record, p.Alert = &rec, al
	p.State = enumText(p.Page, "admin.reorg.state.", rec.State)
	p.CanRevert = rec.State == reorg.Scheduled && rec.Effective.After(o.now())
	p.Notice = o.notice(p.Page, r)
	return o.render(w, status, "plan", p)
}

// revert cancels a scheduled plan.
func (o *Admin) revert(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := o.reorg.Revert(r.Context(), a, id); err != nil {
		p := o.adminPage(r, "admin.reorg.title")
		al, status, err := o.refused(p, "revert", err)
		if err != nil {
			return err
		}
		return o.renderPlan(w, r, a, status, al)
	}
	return seeOther(w, r, "/quan-tri/sap-xep?ok=reverted")
}

// reportPage translates a report for the page.
func (o *Admin) reportPage(pg web.Page, plan reorg.Plan, rep *reorg.Report) planReportPage {
	p := planReportPage{Page: pg, Plan: plan, Report: rep}
	p.Effective, _ = unit.Day(plan.Effective)
	if rep == nil {
		return p
	}
	p.State = enumText(p.Page, "admin.reorg.state.", rep.State)
	for _, u := range rep.Units {
		p.Units = append(p.Units, changeRow{Op: enumText(p.Page, "admin.reorg.op.", u.Op), Code: u.Code, Name: u.Name, To: u.To})
	}
	for _, s := range slices.Sorted(maps.Keys(rep.ByState)) {
		p.ByState = append(p.ByState, stateCount{State: enumText(p.Page, "state.", s), N: rep.ByState[s]})
	}
	for _, d := range rep.Dossiers {
		p.Dossiers = append(p.Dossiers, dossierRow{Code: d.Code, State: enumText(p.Page, "state.", d.State), From: d.From, To: d.To,
			ReceivingFrom: d.ReceivingFrom, ReceivingTo: d.ReceivingTo, Due: d.Due})
	}
	for _, x := range rep.Roles {
		p.Roles = append(p.Roles, roleMoveRow{Username: x.Username, Role: enumText(p.Page, "admin.role.", x.Role), From: x.From, To: x.To})
	}
	for _, f := range rep.Refused {
		p.Refusals = append(p.Refusals, p.T(f.Key, jsonParams(f.Params)...))
	}
	return p
}

// jsonParams undoes what a JSON round trip (a stored report) does to a
// message's parameters: whole numbers come back as float64, and the
// sentences format them with %d.
func jsonParams(ps []any) []any {
	out := make([]any, len(ps))
	for i, v := range ps {
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			v = int64(f)
		}
		out[i] = v
	}
	return out
}
