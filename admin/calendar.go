package admin

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The calendar is shared by every unit (deadlines everywhere skip its days
// off): every admin may read it here, only the province's admins may add
// or withdraw an announcement (auth.Announce; calendar.Store checks).

// holidayKeys are the statutory holidays an announcement may replace.
var holidayKeys = []string{calendar.HolidayNewYear, calendar.HolidayTet, calendar.HolidayHungKings,
	calendar.HolidayReunification, calendar.HolidayLabourDay, calendar.HolidayNationalDay}

type dayRow struct {
	// Day is the date as stored (YYYY-MM-DD), for the withdraw form.
	Day             string
	Date            time.Time
	Weekday         string
	Name, Kind, Was string
}

type calendarPage struct {
	web.Page
	Year, Prev, Next int
	Days             []dayRow
	Announcements    []dayRow
	Kinds, Holidays  []option
	Form             calendar.Announcement
	Alert            Alert
	Notice           string
	// CanAnnounce: the reader is a province admin, who may add and withdraw.
	CanAnnounce bool
	// DueEndOfDay is the lateness rule in force; RuleProvince names the
	// province whose rule it is ("" when the tree has none or several,
	// and the rule cannot be set).
	DueEndOfDay  bool
	RuleProvince string
}

func (o *Admin) calendarPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	year := o.now().In(calendar.Zone).Year()
	if s := r.URL.Query().Get("nam"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2100 {
			return problem.Invalid("nam", "invalid_year")
		}
		year = y
	}
	p := o.adminPage(r, "admin.cal.title")
	return o.renderCalendar(w, r, p, http.StatusOK, year, calendar.Announcement{Kind: calendar.AnnounceOff}, Alert{})
}

func (o *Admin) renderCalendar(w http.ResponseWriter, r *http.Request, pg web.Page, status, year int, f calendar.Announcement, al Alert) error {
	p := calendarPage{Page: pg, Year: year, Prev: year - 1, Next: year + 1, Form: f, Alert: al, Notice: o.notice(pg, r)}
	p.Title = p.T("admin.cal.title_of", year)
	if p.Prev < 1900 {
		p.Prev = 0
	}
	if p.Next > 2100 {
		p.Next = 0
	}
	row := func(date, name, kind string) dayRow {
		t, _ := time.ParseInLocation(time.DateOnly, date, calendar.Zone)
		return dayRow{Day: date, Date: t, Weekday: enumText(p.Page, "admin.cal.weekday.", strconv.Itoa(int(t.Weekday()))), Name: name, Kind: kind}
	}
	for _, d := range o.calendar.Current().Holidays(year) {
		p.Days = append(p.Days, row(d.Date, d.Name, enumText(p.Page, "admin.cal.day.", d.Kind)))
	}
	anns, err := o.calendar.Announcements(r.Context())
	if err != nil {
		return err
	}
	for _, a := range anns {
		if strings.HasPrefix(a.Date, strconv.Itoa(year)+"-") {
			d := row(a.Date, a.Name, enumText(p.Page, "admin.cal.kind.", a.Kind))
			if a.Replaces != "" {
				d.Was = enumText(p.Page, "admin.cal.holiday.", a.Replaces)
			}
			p.Announcements = append(p.Announcements, d)
		}
	}
	if a, err := web.RequireActor(r); err == nil {
		p.CanAnnounce = o.units.AtProvince(r.Context(), a, auth.Announce) == nil
	}
	p.DueEndOfDay = o.calendar.Current().DueEndOfDay()
	if id := o.calendar.Served(); id != 0 {
		u, err := o.units.ByID(r.Context(), id)
		if err != nil {
			return err
		}
		p.RuleProvince = u.Name
	}
	for _, k := range []string{calendar.AnnounceOff, calendar.AnnounceWork} {
		p.Kinds = append(p.Kinds, option{k, enumText(p.Page, "admin.cal.kind.", k)})
	}
	p.Holidays = []option{{"", p.T("admin.cal.replaces_none")}}
	for _, k := range holidayKeys {
		p.Holidays = append(p.Holidays, option{k, enumText(p.Page, "admin.cal.holiday.", k)})
	}
	return o.render(w, status, "calendar", p)
}

// checkAnnouncement explains, field by field and in the page's language,
// what calendar.Announcement.Validate would refuse.
func checkAnnouncement(p web.Page, a calendar.Announcement) (Alert, bool) {
	t, err := time.ParseInLocation(time.DateOnly, a.Date, calendar.Zone)
	switch {
	case err != nil || t.Year() < 1900 || t.Year() > 2100:
		return invalid(p, "add", "date", "admin.cal.err.date"), false
	case a.Kind != calendar.AnnounceOff && a.Kind != calendar.AnnounceWork:
		return invalid(p, "add", "kind", "admin.cal.err.kind"), false
	case a.Kind == calendar.AnnounceWork && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday:
		return invalid(p, "add", "kind", "admin.cal.err.work_weekday"), false
	case a.Name == "":
		return invalid(p, "add", "name", "admin.cal.err.name"), false
	case a.Replaces != "" && !slices.Contains(holidayKeys, a.Replaces):
		return invalid(p, "add", "replaces", "admin.cal.err.replaces"), false
	}
	return Alert{}, true
}

func (o *Admin) addAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	// Refused before the input is judged: the form is not theirs to fill.
	if err := o.units.AtProvince(r.Context(), a, auth.Announce); err != nil {
		return err
	}
	ann := calendar.Announcement{Date: strings.TrimSpace(r.PostFormValue("date")), Kind: r.PostFormValue("kind"),
		Name: strings.TrimSpace(r.PostFormValue("name")), Replaces: r.PostFormValue("replaces")}
	p := o.adminPage(r, "admin.cal.title")
	year := o.now().In(calendar.Zone).Year()
	if y, err := strconv.Atoi(r.PostFormValue("year")); err == nil && y >= 1900 && y <= 2100 {
		year = y
	}
	al, ok := checkAnnouncement(p, ann)
	if ok {
		err := o.calendar.Add(r.Context(), a, ann)
		if err == nil {
			return seeOther(w, r, "/quan-tri/lich?nam="+ann.Date[:4]+"&ok=announced")
		}
		var status int
		if al, status, err = o.refused(p, "add", err); err != nil {
			return err
		}
		return o.renderCalendar(w, r, p, status, year, ann, al)
	}
	return o.renderCalendar(w, r, p, http.StatusUnprocessableEntity, year, ann, al)
}

// withdrawAnnouncement removes the announcement of the date in the path;
// the calendar store checks that the admin is the province's.
func (o *Admin) withdrawAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	date := r.PathValue("date")
	if err := o.calendar.Withdraw(r.Context(), a, date); err != nil {
		return err
	}
	year := date
	if len(year) > 4 {
		year = year[:4]
	}
	return seeOther(w, r, "/quan-tri/lich?nam="+url.QueryEscape(year)+"&ok=withdrawn")
}

// setLatenessRule sets when a deadline ends for the province served:
// "minute" (the working-hours arithmetic, the default) or "end_of_day"
// (the close of its last working day, Civil Code 2015 arts. 147–148).
// The calendar store checks the admin is that province's and audits it.
func (o *Admin) setLatenessRule(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := o.units.AtProvince(r.Context(), a, auth.Announce); err != nil {
		return err
	}
	var on bool
	switch r.PostFormValue("rule") {
	case "minute":
	case "end_of_day":
		on = true
	default:
		p := o.adminPage(r, "admin.cal.title")
		return o.renderCalendar(w, r, p, http.StatusUnprocessableEntity, o.now().In(calendar.Zone).Year(),
			calendar.Announcement{Kind: calendar.AnnounceOff}, invalid(p, "rule", "rule", "admin.cal.err.rule"))
	}
	id := o.calendar.Served()
	if id == 0 {
		return problem.New(problem.ErrState, "province_not_served")
	}
	if err := o.calendar.SetDueEndOfDay(r.Context(), a, id, on); err != nil {
		return err
	}
	return seeOther(w, r, "/quan-tri/lich?ok=rule")
}
