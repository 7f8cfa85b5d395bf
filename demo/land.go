package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/problem"
)

// LandParcels are demo cadastral records of a commune: n parcels on map
// sheets of 40, each a 20 m × 15 m plot in rows along a village road
// (300 m², ONT+CLN), held by a generated person with a certificate.
// from numbers them on after the first from parcels already made.
func LandParcels(commune string, r *rand.Rand, from, n int) []land.ParcelInput {
	out := make([]land.ParcelInput, 0, n)
	for i := from; i < from+n; i++ {
		sheet, k := 1+i/40, i%40
		x0, y0 := float64(k%10)*20, float64(k/10)*15
		p := person(r, 1+r.IntN(len(communes)))
		out = append(out, land.ParcelInput{Commune: commune, Sheet: strconv.Itoa(sheet), Number: strconv.Itoa(k + 1), AreaDM2: 30000,
			LandUse: []string{"ONT", "CLN"}, Address: pick(r, villages), Geometry: land.Rect(x0, y0, x0+20, y0+15),
			Holders:     []land.Holder{{IDNumber: p.IDNumber, Name: p.Name}},
			Certificate: land.Certificate{Serial: fmt.Sprintf("DM %s%06d", serialPrefix(commune), i+1), BookNumber: fmt.Sprintf("CH%05d", i+1)}})
	}
	return out
}

// serialPrefix tells the certificates of one commune's demo parcels from
// another's: the commune's and district's digits of its agency code
// ("000.02.37.H40" → "0237"), so that communes seeded side by side never
// share a serial (a serial is unique in the registry).
func serialPrefix(commune string) string {
	if len(commune) == 13 && commune[3] == '.' && commune[6] == '.' {
		return commune[4:6] + commune[7:9]
	}
	return commune[max(0, len(commune)-2):]
}

// LoadLand seeds the land registry of the two-tier world (serve --demo):
// landPlots parcels for each of its communes and wards the registry does
// not cover yet, so that their land dossiers are checked and applied and
// the officers' land pages have parcels to show. The 2022 world's
// registry is filled by the generated year as its dossiers need parcels.
// It reports how many parcels it loaded.
func LoadLand(ctx context.Context, svc *land.Service, world string) (int, error) {
	if world != WorldTwoTier {
		return 0, nil
	}
	r := rand.New(rand.NewPCG(16, 0x6c616e64))
	total := 0
	for n := 1; n <= twoTierCommunes; n++ {
		code := fmt.Sprintf("000.%02d.37.H40", n)
		covered, err := svc.Covers(ctx, nil, code)
		if err != nil {
			return total, err
		}
		if covered {
			continue
		}
		k, err := svc.Import(ctx, LandParcels(code, r, 0, landPlots), "demo")
		if err != nil {
			return total, fmt.Errorf("demo: land parcels of %s: %w", code, err)
		}
		total += k
	}
	return total, nil
}

// landPlots is how many parcels a unit's registry is seeded with at a
// time: more are made when the year's land dossiers have used them.
const landPlots = 40

// landParcel names a parcel of the registry in a land dossier about to
// be filed: the next parcel of the unit no dossier of the generation has
// named, its user the applicant (the desk files for the user; an online
// filer is the user). The registry then checks and changes it as for a
// real dossier.
func (g *gen) landParcel(p *plan) error {
	// A service centre files in its commune's registry (two-tier world).
	commune, err := g.e.units.RecordsOf(g.ctx, g.e.db, p.in.Unit)
	if err != nil {
		return err
	}
	if _, ok := g.landMade[commune]; !ok {
		// Parcels seeded before (LoadLand) or by an earlier run: number on after them.
		if g.landMade[commune], err = g.e.land.Count(g.ctx, commune); err != nil {
			return err
		}
	}
	free, err := g.e.land.FreeParcels(g.ctx, commune, g.landUsed, 1)
	if err != nil {
		return err
	}
	if len(free) == 0 {
		if _, err := g.e.land.Import(g.ctx, LandParcels(commune, g.r, g.landMade[commune], landPlots), "demo"); err != nil {
			return err
		}
		g.landMade[commune] += landPlots
		if free, err = g.e.land.FreeParcels(g.ctx, commune, g.landUsed, 1); err != nil || len(free) == 0 {
			return errors.Join(err, fmt.Errorf("demo: no free parcel at %s", commune))
		}
	}
	f := free[0]
	g.landUsed[f.ID] = true
	p.in.Applicant.Name, p.in.Applicant.IDNumber = f.Holder.Name, f.Holder.IDNumber
	has := map[string]bool{}
	for _, fd := range g.procs[p.in.Procedure].Form {
		has[fd.Key] = true
	}
	set := func(k string, v any) {
		if has[k] {
			p.in.Form[k] = v
		}
	}
	set("so_to_ban_do", f.Sheet)
	set("so_thua", f.Number)
	set("dia_chi_thua_dat", f.Address)
	if f.Serial != "" {
		set("so_phat_hanh_gcn", f.Serial)
	}
	if land.IsSplit(p.in.Procedure) {
		set("loai_yeu_cau", "Tách thửa")
		set("so_thua_sau", 2)
		set("dien_tich", float64(f.AreaDM2)/100)
	}
	p.parcelArea = f.AreaDM2
	return nil
}

// measure enters a split dossier's measurement when its specialist hands
// it on: two parcels, two fifths and three fifths of the parent.
func (g *gen) measure(p *plan, s step) error {
	if !land.IsSplit(p.in.Procedure) || p.measured || s.action != dossier.Forward || p.parcelArea == 0 {
		return nil
	}
	d, err := g.e.dossiers.Get(g.ctx, s.actor, p.code)
	if err != nil {
		return err
	}
	a := p.parcelArea * 2 / 5
	err = g.e.land.EnterSplit(g.ctx, s.actor, d, land.SplitPlan{Children: []land.ChildPlan{{AreaDM2: a}, {AreaDM2: p.parcelArea - a}}})
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Code == "forbidden" {
		return nil // not the specialist's step: a later one measures
	}
	if err == nil {
		p.measured = true
	}
	return err
}
