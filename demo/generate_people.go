package demo

// The generator's people: commune officers created where missing, the pool
// of demo citizens, and the applicants and e-form values of each dossier.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// want is an account the generator needs: an officer holding role at
// unit, or (citizen > 0) the citizen of that number in the pool.
type want struct {
	username, full, role string
	unit                 unit.Unit
	citizen              int
}

// accounts finds or creates the officers of every 2022 unit and the citizen pool.
func (g *gen) accounts(st *Stats) error {
	ctx := g.ctx
	var err error
	if g.district, err = g.units.ByCode(ctx, DistrictCode); err != nil {
		return err
	}
	g.staff[g.district.ID] = officers{}
	for i := range communes {
		u, err := g.units.ByCode(ctx, fmt.Sprintf("000.%02d.07.H40", i+1))
		if err != nil {
			return err
		}
		g.communes = append(g.communes, u)
		g.staff[u.ID] = officers{}
		g.postAreas[u.ID] = []string{u.Code}
		g.postAreas[g.district.ID] = append(g.postAreas[g.district.ID], u.Code)
	}
	var wants []want
	for _, role := range workRoles {
		wants = append(wants, want{username: "huyen." + roleSuffix[role], role: role, unit: g.district})
	}
	for _, u := range g.communes {
		slug := communeSlug(u.ShortName)
		for _, role := range workRoles {
			wants = append(wants, want{username: slug + "." + roleSuffix[role], role: role, unit: u,
				full: fmt.Sprintf("%s (%s)", auth.RoleName(role), u.ShortName)})
		}
	}
	return g.ensure(append(wants, citizenPool()...), st)
}

func citizenPool() []want {
	var out []want
	for i := 1; i <= CitizenPool; i++ {
		out = append(out, want{username: fmt.Sprintf("congdan%03d", i), citizen: i})
	}
	return out
}

// ensure finds or creates every wanted account and files it in g.
func (g *gen) ensure(wants []want, st *Stats) error {
	ctx := g.ctx
	var missing []want
	for _, w := range wants {
		a, err := g.au.UserByName(ctx, w.username)
		if err == nil {
			g.assign(w.citizen, w.role, w.unit, a)
			continue
		}
		missing = append(missing, w)
	}
	if len(missing) > 0 {
		// Names are drawn from a generator of their own so the pool is the
		// same whether or not part of it already exists.
		nr := rand.New(rand.NewPCG(2022, 1))
		names := map[int]dossier.Applicant{}
		for _, w := range wants {
			if w.citizen > 0 {
				names[w.citizen] = person(nr, w.citizen)
			}
		}
		err := g.db.InTx(ctx, func(tx *store.Tx) error {
			for _, w := range missing {
				nu := auth.NewUser{User: auth.User{Username: w.username, FullName: w.full, Kind: "officer", Title: w.full}, Password: Password}
				if w.citizen > 0 {
					p := names[w.citizen]
					nu.User = auth.User{Username: w.username, FullName: p.Name, Kind: "citizen", Phone: p.Phone, IDNumber: p.IDNumber, Address: p.Address}
				}
				u, err := g.au.CreateUser(ctx, tx, nu)
				if err != nil {
					return fmt.Errorf("demo: create %s: %w", w.username, err)
				}
				if w.citizen == 0 {
					if err := g.au.Grant(ctx, tx, u.ID, w.unit.ID, w.role); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, w := range missing {
			a, err := g.au.UserByName(ctx, w.username)
			if err != nil {
				return err
			}
			g.assign(w.citizen, w.role, w.unit, a)
		}
		st.Users += len(missing)
	}
	return nil
}

func (g *gen) assign(citizen int, role string, u unit.Unit, a *auth.Actor) {
	if citizen > 0 {
		g.citizens = append(g.citizens, a)
		return
	}
	if g.staff[u.ID] == nil {
		g.staff[u.ID] = officers{}
	}
	g.staff[u.ID][role] = a
}

func (g *gen) procedures() error {
	g.procs = map[string]catalog.Procedure{}
	codes := slices.Concat(slices.Collect(maps.Keys(communeMix)), slices.Collect(maps.Keys(districtMix)))
	for _, code := range codes {
		if _, ok := g.procs[code]; ok {
			continue
		}
		p, err := g.e.cat.Get(g.ctx, code)
		if err != nil {
			// A catalog seeded at its files' dates (by serve) has nothing in
			// force in the simulated year; only an empty database is seeded
			// from the year's first day.
			return fmt.Errorf("demo: procedure %s: %w (generate on an empty database: its catalog is then seeded in force from the year's first day)", code, err)
		}
		g.procs[code] = p
	}
	return nil
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi", "Đỗ", "Ngô", "Dương", "Lương", "Mai", "Tạ", "Quách"}
	middleNames = []string{"Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"}
	givenNames  = []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến"}
	villages    = []string{"Thôn Tân Lập", "Thôn Đông Xuyên", "Thôn Sơn Thủy", "Thôn Bãi Trữ", "Thôn Lạc Khoái", "Phố Tân Nhất", "Thôn Đồng Tâm", "Thôn Hợp Thành"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func person(r *rand.Rand, n int) dossier.Applicant {
	return dossier.Applicant{
		Name:     pick(r, familyNames) + " " + pick(r, middleNames) + " " + pick(r, givenNames),
		IDNumber: fmt.Sprintf("0370%02d%06d", 50+r.IntN(50), r.IntN(1000000)),
		Phone:    fmt.Sprintf("09%08d", r.IntN(100000000)),
		Address:  fmt.Sprintf("%s, %s, huyện Nho Quan, tỉnh Ninh Bình", pick(r, villages), lowerFirst(communes[(n-1)%len(communes)])),
	}
}

// form fills a procedure's required e-form fields with plausible values.
func (g *gen) form(p catalog.Procedure, app dossier.Applicant, at time.Time) map[string]any {
	r := g.r
	out := map[string]any{}
	for _, f := range p.Form {
		if !f.Required {
			continue
		}
		var v any
		switch f.Type {
		case "date":
			v = at.AddDate(-r.IntN(40), -r.IntN(12), -r.IntN(28)).Format("2006-01-02")
		case "select":
			v = pick(r, f.Options)
		case "number":
			v = 1 + r.IntN(5)
		case "id_number":
			v = person(r, 1).IDNumber
		case "phone":
			v = app.Phone
		case "textarea":
			v = "Theo hồ sơ kèm theo."
		default:
			switch {
			case strings.HasPrefix(f.Key, "ho_ten") || strings.HasPrefix(f.Key, "ben_"):
				v = person(r, 1).Name
			case strings.HasPrefix(f.Key, "so_"), strings.HasPrefix(f.Key, "ma_"):
				v = fmt.Sprintf("%d", 1+r.IntN(999))
			case strings.HasPrefix(f.Key, "dia_"), strings.HasPrefix(f.Key, "noi_"):
				v = app.Address
			default:
				v = "Nho Quan"
			}
		}
		if f.Max > 0 {
			if s, ok := v.(string); ok && len([]rune(s)) > f.Max {
				v = string([]rune(s)[:f.Max])
			}
		}
		out[f.Key] = v
	}
	return out
}
