package demo

// The shape of a generated year: how many dossiers, where, of which
// procedure, on which day (the seasons of a district's one-stop desk).

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/unit"
)

// procedure mix: relative weights at the communes and at the district.
// The land procedures whose result the district makes are filed at the
// district's desk: II.06a counts a dossier where its result is made
// (report.Counts), so the desks' counts and the report's are both the seed
// district's (8,301 district, 58,819 commune). 1.013978 goes through the
// land branch and comes back to the commune, which makes its result.
var communeMix = map[string]float64{
	"2.000815": 30, "2.000884": 8, "2.001035": 5, "2.001019": 0.3, // chứng thực
	"1.001193": 10, "1.000656": 4, "1.000894": 4, "1.004873": 8, "2.000635": 6, "1.004859": 2, // hộ tịch
	"1.004884": 1, "1.000689": 0.5, "1.001022": 0.5, "1.004746": 0.3, "1.004837": 0.3, "1.004845": 0.2, "1.005461": 0.3,
	"1.001612": 1, "2.000720": 0.7, "1.001266": 0.4, "1.001570": 0.3, "2.000575": 0.2, // hộ kinh doanh
	"1.001776": 2, "1.001731": 0.5, "1.001653": 0.3, "1.001699": 0.5, // bảo trợ xã hội
	"1.013225": 1.5, "1.013226": 0.2, "1.013227": 0.2, "1.013228": 0.1, // xây dựng
	"1.013978": 1.5, // đất đai, liên thông: through the land branch and back to the commune
}

var districtMix = map[string]float64{
	"1.013831": 45, "1.013978": 20, "1.012783": 12, "1.012784": 12, "1.013949": 6, "1.012786": 5,
}

// communeWeight: the town and the larger communes receive more.
func communeWeight(name string) float64 {
	switch name {
	case "Thị trấn Nho Quan":
		return 2.2
	case "Xã Gia Lâm", "Xã Gia Thủy", "Xã Gia Sơn", "Xã Phú Sơn", "Xã Cúc Phương", "Xã Đồng Phong":
		return 1.2
	}
	return 1
}

// days are the year's working days with their seasonal weight: more in
// the weeks before Tết and at mid-year, fewer just after Tết.
func (g *gen) days() ([]time.Time, []float64) {
	y, m, d, _ := calendar.LunarToSolar(calendar.LunarDate{Year: g.year, Month: 1, Day: 1})
	tet := time.Date(y, time.Month(m), d, 0, 0, 0, 0, calendar.Zone)
	var days []time.Time
	var cum []float64
	total := 0.0
	for t := time.Date(g.year, 1, 1, 0, 0, 0, 0, calendar.Zone); t.Year() == g.year; t = t.AddDate(0, 0, 1) {
		if !g.cal.IsWorkingDay(t) {
			continue
		}
		w := 1.0
		switch since := t.Sub(tet).Hours() / 24; {
		case since >= -30 && since < 0:
			w = 1.6
		case since >= 0 && since < 21:
			w = 0.7
		}
		if t.Month() == time.June || t.Month() == time.July {
			w *= 1.25
		}
		if t.Month() == time.December {
			w *= 1.1
		}
		total += w
		days = append(days, t)
		cum = append(cum, total)
	}
	return days, cum
}

// allocate splits n over weights by largest remainder, so the parts sum to n.
func allocate(n int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	type rem struct {
		i int
		f float64
	}
	var rems []rem
	left := n
	for i, w := range weights {
		x := float64(n) * w / sum
		out[i] = int(x)
		left -= out[i]
		rems = append(rems, rem{i, x - float64(out[i])})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for k := 0; k < left; k++ {
		out[rems[k%len(rems)].i]++
	}
	return out
}

func weighted(r *rand.Rand, codes []string, cum []float64) string {
	x := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return codes[min(i, len(codes)-1)]
}

func mixOf(m map[string]float64) ([]string, []float64) {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	cum := make([]float64, len(codes))
	t := 0.0
	for i, c := range codes {
		t += m[c]
		cum[i] = t
	}
	return codes, cum
}

// plan draws every dossier of the year g.year and its timed actions.
func (g *gen) plan(scale float64, st *Stats) ([]plan, error) {
	r := g.r
	nDistrict, nCommune := Targets(scale)
	cw := make([]float64, len(g.communes))
	for i, u := range g.communes {
		cw[i] = communeWeight(u.ShortName)
	}
	perCommune := allocate(nCommune, cw)
	var where []unit.Unit
	for i := 0; i < nDistrict; i++ {
		where = append(where, g.district)
	}
	for i, n := range perCommune {
		for k := 0; k < n; k++ {
			where = append(where, g.communes[i])
		}
	}
	total := len(where)
	// Exactly the online share, spread at random.
	online := make([]bool, total)
	nOnline := int(math.Round(OnlineShare2022 * float64(total)))
	for i, j := range r.Perm(total) {
		online[j] = i < nOnline
	}
	days, dayCum := g.days()
	yearEnd := time.Date(g.year, 12, 31, 17, 0, 0, 0, calendar.Zone)
	cCodes, cCum := mixOf(communeMix)
	dCodes, dCum := mixOf(districtMix)
	plans := make([]plan, 0, total)
	for i, u := range where {
		codes, cum := cCodes, cCum
		if u.ID == g.district.ID {
			codes, cum = dCodes, dCum
		}
		var pl plan
		var outcome string
		for try := 0; ; try++ {
			p := g.procs[weighted(r, codes, cum)]
			day := days[min(searchCum(dayCum, r.Float64()*dayCum[len(dayCum)-1]), len(days)-1)]
			t := g.cal.AddWorking(day, time.Duration(r.Int64N(int64(8*time.Hour-30*minute)))+minute)
			var err error
			pl, outcome, err = g.dossier(p, u, online[i], t, "")
			if err != nil {
				return nil, err
			}
			if !pl.steps[len(pl.steps)-1].at.After(yearEnd) || try > 100 {
				break
			}
		}
		st.Dossiers++
		if online[i] {
			st.Online++
		}
		if u.ID == g.district.ID {
			st.District++
		} else {
			st.Commune++
		}
		st.count(outcome)
		plans = append(plans, pl)
	}
	return plans, nil
}

func searchCum(cum []float64, x float64) int {
	i, _ := slices.BinarySearch(cum, x)
	return i
}

const minute = time.Minute
