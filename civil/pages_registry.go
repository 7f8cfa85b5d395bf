package civil

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// Holders finds the account an officer signs in with, by username.
type Holders interface {
	UserByName(ctx context.Context, username string) (*auth.Actor, error)
}

type registriesPage struct {
	web.Page
	Units []unitLink
}

// registries lists the units whose registry the admin keeps.
func (p *Pages) registries(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ids, err := p.svc.cfg.Units.Reach(r.Context(), p.svc.cfg.DB, a, auth.ManagePersonnel)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return problem.Forbidden("not_your_unit")
	}
	links, err := p.units(r.Context(), ids, RegistryPath)
	if err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "registries", registriesPage{Page: p.page(r, "civil.registry.list_title"), Units: links})
}

type registryPage struct {
	web.Page
	Unit      unit.Unit
	People    []Person
	Shown     *Person // the record asked for (?ma=)
	Year      int
	Positions []Code
	Ranks     []Code
	Kinds     []Code
	Levels    map[string][]Code
	Today     string
}

// registry shows a unit's records, one in full when asked (?ma=).
func (p *Pages) registry(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	u, err := p.svc.cfg.Units.ByCode(ctx, r.PathValue("unit"))
	if err != nil {
		return err
	}
	if ok, err := p.svc.can(ctx, a, auth.ManagePersonnel, u.ID); err != nil || !ok {
		return cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	now := p.svc.cfg.Now().In(vietnam)
	pg := registryPage{Page: p.page(r, "civil.registry.title", u.Name), Unit: u, Year: now.Year(), Positions: Positions, Ranks: Ranks,
		Kinds: QualificationKinds, Levels: QualificationLevels, Today: now.Format("2006-01-02")}
	if pg.People, err = p.svc.People(ctx, []int64{u.ID}, false); err != nil {
		return err
	}
	if err := p.svc.recordRead(ctx, a, u.ID, ReadPeople, "unit:"+u.Code, strconv.Itoa(len(pg.People))); err != nil {
		return err
	}
	if code := r.URL.Query().Get("ma"); code != "" {
		for _, x := range pg.People {
			if x.Code == code {
				full, err := p.svc.Get(ctx, a, x.ID)
				if err != nil {
					return err
				}
				if full.UserID == 0 || full.UserID != a.ID {
					if err := p.svc.recordRead(ctx, a, u.ID, ReadPerson, "civil_person:"+full.Code, ""); err != nil {
						return err
					}
				}
				pg.Shown = &full
			}
		}
	}
	return p.render(w, http.StatusOK, "registry", pg)
}

// personAt finds the record with the form's code at the path's unit,
// after the actor's right there is checked (a missing record is an
// invalid form, not a missing page).
func (p *Pages) personAt(r *http.Request, a *auth.Actor) (unit.Unit, Person, error) {
	ctx := r.Context()
	u, err := p.svc.cfg.Units.ByCode(ctx, r.PathValue("unit"))
	if err != nil {
		return u, Person{}, err
	}
	if ok, err := p.svc.can(ctx, a, auth.ManagePersonnel, u.ID); err != nil || !ok {
		return u, Person{}, cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	people, err := p.svc.People(ctx, []int64{u.ID}, false)
	if err != nil {
		return u, Person{}, err
	}
	for _, x := range people {
		if x.Code == r.PostFormValue("ma") {
			return u, x, nil
		}
	}
	return u, Person{}, problem.Invalid("ma", "civil_person_not_found")
}

// save creates a record, linked to the account named, if any.
func (p *Pages) save(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	u, err := p.svc.cfg.Units.ByCode(ctx, r.PathValue("unit"))
	if err != nil {
		return err
	}
	if ok, err := p.svc.can(ctx, a, auth.ManagePersonnel, u.ID); err != nil || !ok {
		return cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	f := r.PostFormValue
	pr := Person{Code: strings.TrimSpace(f("ma")), FullName: strings.TrimSpace(f("full_name")), BirthDate: f("birth_date"), Gender: f("gender"),
		Position: f("position"), Rank: f("rank")}
	if name := strings.TrimSpace(f("username")); name != "" {
		acc, err := p.svc.cfg.Accounts.UserByName(ctx, name)
		if err != nil {
			return problem.Invalid("username", "civil_account_unknown")
		}
		pr.UserID = acc.ID
	}
	if _, err := p.svc.Save(ctx, a, u.ID, pr, f("since")); err != nil {
		return err
	}
	http.Redirect(w, r, RegistryPath(u.Code)+"?ma="+pr.Code, http.StatusSeeOther)
	return nil
}

func (p *Pages) qualify(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	u, pr, err := p.personAt(r, a)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	q := Qualification{Kind: r.PostFormValue("kind"), Level: r.PostFormValue("level"), Field: strings.TrimSpace(r.PostFormValue("field")),
		Institution: strings.TrimSpace(r.PostFormValue("institution")), Year: year}
	if err := p.svc.AddQualification(r.Context(), a, pr.ID, q); err != nil {
		return err
	}
	http.Redirect(w, r, RegistryPath(u.Code)+"?ma="+pr.Code, http.StatusSeeOther)
	return nil
}

func (p *Pages) move(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	_, pr, err := p.personAt(r, a)
	if err != nil {
		return err
	}
	to, err := p.svc.cfg.Units.ByCode(r.Context(), strings.TrimSpace(r.PostFormValue("to")))
	if err != nil {
		return problem.Invalid("to", "civil_unit_unknown")
	}
	if err := p.svc.Move(r.Context(), a, pr.ID, to.ID, r.PostFormValue("position"), r.PostFormValue("rank"), r.PostFormValue("date"),
		strings.TrimSpace(r.PostFormValue("note"))); err != nil {
		return err
	}
	http.Redirect(w, r, RegistryPath(to.Code)+"?ma="+pr.Code, http.StatusSeeOther)
	return nil
}

func (p *Pages) yearOf(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("nam")); err == nil {
		return y
	}
	return p.svc.cfg.Now().In(vietnam).Year()
}

// export downloads the registry of the unit and those below it.
func (p *Pages) export(format string) handler {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		year := p.yearOf(r)
		e, err := p.svc.Registry(r.Context(), a, r.PathValue("unit"), year)
		if err != nil {
			return err
		}
		u, err := p.svc.cfg.Units.ByCode(r.Context(), e.Unit)
		if err != nil {
			return err
		}
		if err := p.svc.recordRead(r.Context(), a, u.ID, ExportRegistry, "unit:"+e.Unit, fmt.Sprintf("%s %d: %d", format, year, len(e.People))); err != nil {
			return err
		}
		name := "can-bo-cong-chuc-" + e.Unit + "-" + strconv.Itoa(year) + "." + format
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			return e.WriteCSV(w)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return e.WriteJSON(w)
	}
}

type reportPage struct {
	web.Page
	Unit   string
	Year   int
	Units  []UnitReport
	Levels []string
}

// report shows the personnel figures of the unit and those below it.
func (p *Pages) report(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	year := p.yearOf(r)
	e, err := p.svc.Registry(r.Context(), a, r.PathValue("unit"), year)
	if err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "report", reportPage{Page: p.page(r, "civil.report.title", year), Unit: e.Unit, Year: year,
		Units: e.Report(), Levels: Levels})
}
