package portal

import (
	"context"
	"sort"
	"strings"

	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// unitGroup is one <optgroup> of a unit select: the units of one level.
type unitGroup struct {
	Level string
	Units []unitOption
}

type unitOption struct {
	Code, Name string
	Selected   bool
}

// levelOrder puts the nearest level first: most citizens deal with their commune.
var levelOrder = []string{unit.Commune, unit.District, unit.Province}

// activeUnits lists the active units that keep accepts, by level then name.
func (s *Portal) activeUnits(ctx context.Context, keep func(unit.Unit) bool) ([]unit.Unit, error) {
	all, err := s.units.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range all {
		// Citizens file with a People's Committee; its service centre, if
		// it has one, receives the dossier (dossier.Submit).
		if u.Active && u.Kind == unit.Committee && (keep == nil || keep(u)) {
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return unit.Rank(out[i].Level) > unit.Rank(out[j].Level)
		}
		return vntext.Fold(out[i].Name) < vntext.Fold(out[j].Name)
	})
	return out, nil
}

// groupUnits turns units into select groups, one per level, nearest level first.
func groupUnits(us []unit.Unit, selected string) []unitGroup {
	var out []unitGroup
	for _, l := range levelOrder {
		g := unitGroup{Level: l}
		for _, u := range us {
			if u.Level == l {
				g.Units = append(g.Units, unitOption{Code: u.Code, Name: u.Name, Selected: u.Code == selected})
			}
		}
		if len(g.Units) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// guessUnit picks the candidate whose name appears in the address
// ("…, xã Gia Lâm, huyện Nho Quan…" → Gia Lâm), nearest level first and
// the longest name on a tie; "" when none does.
func guessUnit(candidates []unit.Unit, address string) string {
	addr := " " + vntext.Fold(address) + " "
	best, bestRank, bestLen := "", 0, 0
	for _, u := range candidates {
		for _, name := range []string{u.ShortName, strings.TrimPrefix(u.Name, "UBND ")} {
			n := vntext.Fold(name)
			if n == "" || !strings.Contains(addr, " "+n+" ") {
				continue
			}
			r := unit.Rank(u.Level)
			if r > bestRank || (r == bestRank && len(n) > bestLen) {
				best, bestRank, bestLen = u.Code, r, len(n)
			}
		}
	}
	return best
}

func hasUnit(us []unit.Unit, code string) bool {
	for _, u := range us {
		if u.Code == code {
			return true
		}
	}
	return false
}
