package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// treeItem is one unit of the indented tree, with its texts translated
// (the tree template recurses and cannot reach the page's T).
type treeItem struct {
	Code, Name, Level, Kind, StatCode, Note string
	Children                                []*treeItem
}

type unitTreePage struct {
	web.Page
	Roots []*treeItem
	// Day is the date asked for in "Sơ đồ tổ chức tại ngày" (YYYY-MM-DD),
	// empty for today's tree; At is that day as an instant, for the heading.
	Day   string
	At    time.Time
	Alert Alert
}

func (o *Admin) unitTree(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := unitTreePage{Page: o.adminPage(r, "admin.units.title"), Day: strings.TrimSpace(r.URL.Query().Get("ngay"))}
	if p.Day != "" {
		at, err := unit.Day(p.Day)
		if err == nil {
			p.At = at
			return o.treeAt(w, r, a, p)
		}
		p.Alert = invalid(p.Page, "at", "ngay", "admin.units.at_invalid")
	}
	nodes, err := o.units.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	items := map[int64]*treeItem{}
	for _, n := range nodes {
		it := &treeItem{Code: n.Code, Name: n.Name, Level: enumText(p.Page, "level.", n.Level),
			Kind: kindText(p.Page, n.Kind), StatCode: n.StatCode}
		if !n.Active {
			it.Note = p.T("admin.units.merged_into", n.MergedInto)
		}
		items[n.ID] = it
		if parent, ok := items[n.ParentID]; ok && n.Depth > 0 {
			parent.Children = append(parent.Children, it)
		} else {
			p.Roots = append(p.Roots, it)
		}
	}
	status := http.StatusOK
	if p.Alert.Text != "" {
		status = http.StatusUnprocessableEntity
	}
	return o.render(w, status, "units", p)
}

// treeAt shows the tree as it stood at the end of day p.At in Vietnam (as
// GET /api/v1/units?at= does), cut to what the admin administers as it
// stood then: the units where they hold the admin role and the units
// that were below those. A unit outside that scope on the day is not shown.
func (o *Admin) treeAt(w http.ResponseWriter, r *http.Request, a *auth.Actor, p unitTreePage) error {
	snaps, err := o.units.TreeAt(r.Context(), p.At.AddDate(0, 0, 1).Add(-time.Millisecond))
	if err != nil {
		return err
	}
	items := map[int64]*treeItem{}
	// TreeAt lists parents before their children, so one pass finds
	// every unit below an administered one.
	for _, n := range snaps {
		parent, below := items[n.ParentID]
		if !below && !a.Has(auth.Admin, n.ID) {
			continue
		}
		it := &treeItem{Code: n.Code, Name: n.Name, Level: enumText(p.Page, "level.", n.Level),
			Kind: kindText(p.Page, n.Kind), StatCode: n.StatCode}
		items[n.ID] = it
		if below {
			parent.Children = append(parent.Children, it)
		} else {
			p.Roots = append(p.Roots, it)
		}
	}
	return o.render(w, http.StatusOK, "units", p)
}

// kindText names a kind of unit; a unit recorded before kinds existed is
// a People's Committee.
func kindText(p web.Page, kind string) string {
	if kind == "" {
		kind = unit.Committee
	}
	return enumText(p, "admin.unit_kind.", kind)
}

type option struct{ Value, Label string }

type historyRow struct {
	Code, Name, Reason       string
	Parent, Level, Kind      string
	StatCode                 string
	From, To                 time.Time
	Current, SinceBeforeData bool
}

// unitForm keeps what was typed into the unit page's forms.
type unitForm struct {
	Code, Name, ShortName, Level string
	Kind, StatCode               string
	DeptCode, DeptName           string
	NewName, NewCode, Reason     string
	Into, MergeReason            string
}

type unitDetailPage struct {
	web.Page
	Unit        unit.Unit
	Parent      string
	Departments []unit.Department
	Children    []unit.Node
	History     []historyRow
	ChildLevels []option
	ChildKinds  []option
	// Kind is the unit's kind in words; Area the communes a land
	// registration branch serves.
	Kind         string
	Area         []unit.Unit
	MergeTargets []unit.Node
	Form         unitForm
	Alert        Alert
	Notice       string
	// TOTPRequired: the unit requires TOTP of its admins and leaders.
	TOTPRequired bool
	// SupplementDays is the unit's default time limit to supplement a
	// dossier, for procedures that set none.
	SupplementDays int
}

func (o *Admin) unitPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := o.adminPage(r, "admin.unit.title")
	return o.renderUnit(w, r, a, p, http.StatusOK, unitForm{Level: unit.Commune, Kind: unit.Committee}, Alert{})
}

func (o *Admin) renderUnit(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, f unitForm, al Alert) error {
	ctx := r.Context()
	u, err := o.units.Managed(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := unitDetailPage{Page: pg, Unit: u, Form: f, Alert: al, Notice: o.notice(pg, r)}
	p.Title = p.T("admin.unit.title_of", u.Name)
	if u.ParentCode != "" {
		if parent, err := o.units.ByCode(ctx, u.ParentCode); err == nil {
			p.Parent = parent.Name
		}
	}
	if p.Departments, err = o.units.Departments(ctx, u.ID); err != nil {
		return err
	}
	if p.TOTPRequired, err = o.auth.TOTPRequired(ctx, u.ID); err != nil {
		return err
	}
	if p.SupplementDays, err = o.units.SupplementDaysOf(ctx, u.ID); err != nil {
		return err
	}
	hist, err := o.units.Periods(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, c := range hist {
		if c.Reason == "created" { // what unit.Create records
			c.Reason = p.T("admin.unit.created")
		}
		parent := c.ParentName
		if c.ParentCode != "" {
			parent += " (" + c.ParentCode + ")"
		}
		p.History = append(p.History, historyRow{Code: c.Code, Name: c.Name, Reason: c.Reason, Parent: parent,
			Level: enumText(p.Page, "level.", c.Level), Kind: kindText(p.Page, c.Kind), StatCode: c.StatCode,
			From: c.From, To: c.To, Current: c.To.IsZero(), SinceBeforeData: c.From.IsZero()})
	}
	p.Kind = kindText(p.Page, u.Kind)
	if u.Kind == unit.LandBranch {
		codes, err := o.units.Area(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, c := range codes {
			if a, err := o.units.ByCode(ctx, c); err == nil {
				p.Area = append(p.Area, a)
			}
		}
	}
	for _, k := range unit.Kinds {
		p.ChildKinds = append(p.ChildKinds, option{k, kindText(p.Page, k)})
	}
	nodes, err := o.units.Tree(ctx, a)
	if err != nil {
		return err
	}
	parentOf := map[int64]int64{}
	for _, n := range nodes {
		parentOf[n.ID] = n.ParentID
	}
	below := func(id int64) bool { // id lies below u
		for i := 0; id != 0 && i < 16; i++ {
			if id = parentOf[id]; id == u.ID {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if n.ParentID == u.ID {
			p.Children = append(p.Children, n)
		}
		if n.Active && n.ID != u.ID && n.Level == u.Level && !below(n.ID) {
			p.MergeTargets = append(p.MergeTargets, n)
		}
	}
	for _, l := range []string{unit.Province, unit.District, unit.Commune} {
		if unit.Rank(l) > unit.Rank(u.Level) {
			p.ChildLevels = append(p.ChildLevels, option{l, enumText(p.Page, "level.", l)})
		}
	}
	return o.render(w, status, "unit", p)
}

// unitFail re-renders the unit page with the form's values and the error,
// or hands a non-input error to Wrap.
func (o *Admin) unitFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, form string, f unitForm, err error) error {
	p := o.adminPage(r, "admin.unit.title")
	al, status, err := o.refused(p, form, err)
	if err != nil {
		return err
	}
	return o.renderUnit(w, r, a, p, status, f, al)
}

func unitURL(code, ok string) string {
	return "/quan-tri/don-vi/" + url.PathEscape(code) + "?ok=" + ok
}

func (o *Admin) addChild(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	f := unitForm{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		ShortName: r.PostFormValue("short_name"), Level: r.PostFormValue("level"),
		Kind: r.PostFormValue("kind"), StatCode: strings.TrimSpace(r.PostFormValue("stat_code"))}
	c, err := o.units.AddChild(r.Context(), a, r.PathValue("code"), unit.Unit{Code: f.Code, Name: f.Name, ShortName: f.ShortName,
		Level: f.Level, Kind: f.Kind, StatCode: f.StatCode})
	if err != nil {
		return o.unitFail(w, r, a, "child", f, err)
	}
	return seeOther(w, r, unitURL(c.Code, "unit_added"))
}

func (o *Admin) addDepartment(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	f := unitForm{Level: unit.Commune, DeptCode: r.PostFormValue("dept_code"), DeptName: r.PostFormValue("dept_name")}
	if err := o.units.AddDepartmentTo(r.Context(), a, r.PathValue("code"), unit.Department{Code: f.DeptCode, Name: f.DeptName}); err != nil {
		return o.unitFail(w, r, a, "dept", f, err)
	}
	return seeOther(w, r, unitURL(r.PathValue("code"), "dept_added"))
}

func (o *Admin) rename(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	f := unitForm{Level: unit.Commune, NewName: r.PostFormValue("new_name"), NewCode: r.PostFormValue("new_code"), Reason: r.PostFormValue("reason")}
	if err := o.units.RenameAs(r.Context(), a, r.PathValue("code"), f.NewCode, f.NewName, f.Reason); err != nil {
		return o.unitFail(w, r, a, "rename", f, err)
	}
	code := strings.ToUpper(strings.TrimSpace(f.NewCode))
	if code == "" {
		code = r.PathValue("code")
	}
	return seeOther(w, r, unitURL(code, "renamed"))
}

// setSupplementDays changes the unit's default time limit to supplement
// a dossier (issue 10), used when the procedure sets none.
func (o *Admin) setSupplementDays(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("supplement_days")))
	if err != nil {
		days = -1 // the range check below says what is wrong
	}
	if err := o.units.SetSupplementDaysAs(r.Context(), a, r.PathValue("code"), days); err != nil {
		return o.unitFail(w, r, a, "supplement", unitForm{Level: unit.Commune}, err)
	}
	return seeOther(w, r, unitURL(r.PathValue("code"), "supplement_days"))
}

type mergePage struct {
	web.Page
	Plan   unit.MergePlan
	Reason string
}

// merge is two steps: the first post shows what will move and asks for
// confirmation; the second (confirm=yes) merges.
func (o *Admin) merge(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := unitForm{Level: unit.Commune, Into: r.PostFormValue("into"), MergeReason: strings.TrimSpace(r.PostFormValue("reason"))}
	if r.PostFormValue("confirm") == "yes" {
		if err := o.units.MergeAs(ctx, a, r.PathValue("code"), f.Into, f.MergeReason); err != nil {
			return o.unitFail(w, r, a, "merge", f, err)
		}
		return seeOther(w, r, unitURL(f.Into, "merged"))
	}
	plan, err := o.units.PlanMerge(ctx, a, r.PathValue("code"), f.Into)
	if err == nil && f.MergeReason == "" {
		err = problem.Invalid("reason", "reason_required.short")
	}
	if err != nil {
		return o.unitFail(w, r, a, "merge", f, err)
	}
	p := mergePage{Page: o.adminPage(r, "admin.merge.title"), Plan: plan, Reason: f.MergeReason}
	return o.render(w, http.StatusOK, "merge", p)
}
