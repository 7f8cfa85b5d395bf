package demo

// Live: the two-tier world of serve --demo opens lived in. The last days
// of activity up to now are generated through the real services, at a
// share of the seed district's rate, and every desk ends with work in
// each of its queues: dossiers to receive, to process, to approve,
// waiting for a supplement, owing a fee, with a result to hand back, and
// a withdrawal to acknowledge.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// DefaultActivity is serve --demo-activity's default: a tenth of the seed
// district's rate, about 1,100 dossiers over 60 days, which keeps a first
// start under 20 seconds on a small machine (BENCHMARKS.md).
const DefaultActivity = 0.1

// LiveDays is how many days of activity Live generates.
const LiveDays = 60

// ErrNotTwoTier is Live's answer on a database that does not hold the
// two-tier world.
var ErrNotTwoTier = errors.New("demo: the activity of the last days is generated on the two-tier world of today (serve --demo)")

// LiveConfig says how much activity to generate.
type LiveConfig struct {
	DB      *store.DB
	DataDir string
	// Share is the share of the seed district's rate (67,120 dossiers a
	// year); 0 means DefaultActivity.
	Share float64
	// Now is the end of the activity (default time.Now); Seed its draws (default 1).
	Now      func() time.Time
	Seed     uint64
	Progress io.Writer
}

// queues are the open states Live leaves at every desk, each as the
// outcome planned and the step after which the dossier stops.
var queues = []struct{ name, outcome string }{
	{"reception", outOnTime}, {"processing", outOnTime}, {"approval", outOnTime}, {"supplement", outSupplement},
	{"payment", outOnTime}, {"result", outOnTime}, {"withdrawal", outWaiting},
}

// Live generates the last LiveDays days of activity on the two-tier
// world, once: on a database that already holds a dossier it does
// nothing and reports false.
func Live(ctx context.Context, cfg LiveConfig) (Stats, bool, error) {
	wall := time.Now()
	if cfg.Share == 0 {
		cfg.Share = DefaultActivity
	}
	if cfg.Share < 0 || cfg.Share > 10 || math.IsNaN(cfg.Share) {
		return Stats{}, false, fmt.Errorf("demo: the activity share must be between 0 and 10, not %g", cfg.Share)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	db := cfg.DB
	if _, err := schema.Migrate(ctx, db); err != nil {
		return Stats{}, false, err
	}
	if has, err := dossier.Any(ctx, db); err != nil || has {
		return Stats{}, false, err
	}
	now := cfg.Now().In(calendar.Zone)
	y, m, d := now.AddDate(0, 0, -LiveDays).Date()
	clock := &genClock{t: time.Date(y, m, d, 0, 0, 0, 0, calendar.Zone)}
	e, err := newEngine(ctx, db, cfg.DataDir, clock)
	if err != nil {
		return Stats{}, false, err
	}
	defer e.close()
	if world, err := WorldOf(ctx, e.units); err != nil {
		return Stats{}, false, err
	} else if world != WorldTwoTier {
		return Stats{}, false, ErrNotTwoTier
	}
	var st Stats
	g := newGen(ctx, e, rand.New(rand.NewPCG(cfg.Seed, 0x6c697665)))
	g.rejects = true
	// Land dossiers name parcels of the registry LoadLand seeded.
	g.landUsed, g.landMade = map[int64]bool{}, map[string]int{}
	desks, err := g.twoTierAccounts(&st)
	if err != nil {
		return st, false, err
	}
	if err := g.procedures(); err != nil {
		return st, false, err
	}
	start := clock.Now()
	span := g.cal.WorkingBetween(start, now)
	// The end is the last working moment up to now: on a Sunday evening,
	// Friday's close.
	end := g.cal.AddWorking(start, span)
	if end.After(now) {
		end = now
	}
	plans, err := g.live(desks, start, end, span, cfg.Share, &st)
	if err != nil {
		return st, false, err
	}
	fmt.Fprintf(progress, "demo: %d days of activity at %g of the seed district's rate: %d dossiers\n", LiveDays, cfg.Share, len(plans))
	if err := g.run(plans, end, &st, progress, wall); err != nil {
		return st, false, err
	}
	st.Elapsed = time.Since(wall)
	return st, true, nil
}

// live plans the dossiers of [start, end] at the desks, and the ones each
// desk's queues keep open at the end.
func (g *gen) live(desks []unit.Unit, start, end time.Time, span time.Duration, share float64, st *Stats) ([]plan, error) {
	r := g.r
	y2022 := &gen{cal: g.cal, year: 2022}
	days, _ := y2022.days()
	perHour := float64(DistrictDossiers2022+CommuneDossiers2022) / float64(len(days)*8) * share
	total := int(math.Round(perHour * span.Hours()))
	weights := make([]float64, len(desks))
	for i, u := range desks {
		weights[i] = deskWeight(u.Code)
	}
	perDesk := allocate(total, weights)
	// The seed district's mix: its communes' and its own (now the
	// communes', the land registration branch doing the district's steps).
	mix := map[string]float64{}
	for code, w := range communeMix {
		mix[code] += w / sumOf(communeMix) * CommuneDossiers2022
	}
	for code, w := range districtMix {
		mix[code] += w / sumOf(districtMix) * DistrictDossiers2022
	}
	codes, cum := mixOf(mix)
	var plans []plan
	for i, u := range desks {
		for k := 0; k < perDesk[i]; k++ {
			at := g.cal.AddWorking(start, time.Duration(r.Int64N(int64(span))))
			pl, outcome, err := g.dossier(g.procs[weighted(r, codes, cum)], u, r.Float64() < OnlineShare2022, at, "")
			if err != nil {
				return nil, err
			}
			st.Dossiers++
			st.Commune++
			if pl.in.Channel == "online" {
				st.Online++
			}
			st.count(outcome)
			plans = append(plans, pl)
		}
		// Each queue of the desk gets a dossier filed in the last two
		// working days, stopped where the queue holds it; what was planned
		// for after the end happens at the end.
		for _, q := range queues {
			back := time.Duration(r.Int64N(int64(min(span, 16*time.Hour))))
			at := g.cal.AddWorking(start, span-back)
			online, proc := q.name == "payment" || q.name == "withdrawal" || r.Float64() < OnlineShare2022, g.procs[weighted(r, codes, cum)]
			switch q.name {
			case "payment", "result":
				online = q.name == "payment"
				proc = g.procs["2.000884"] // chứng thực chữ ký: a fee fixed by the procedure
			case "approval":
				// One the commune's leader approves (a land dossier's leader
				// step is the branch's).
				for try := 0; try < 50 && !hasStep(proc, auth.Leader, true); try++ {
					proc = g.procs[weighted(r, codes, cum)]
				}
			case "supplement":
				for try := 0; try < 50 && !hasStep(proc, auth.Specialist, false); try++ {
					proc = g.procs[weighted(r, codes, cum)]
				}
			}
			pl, _, err := g.dossier(proc, u, online, at, q.outcome)
			if err != nil {
				return nil, err
			}
			pl.cut = cutFor(q.name, pl.steps)
			for j := range pl.steps {
				if (pl.cut < 0 || j <= pl.cut) && pl.steps[j].at.After(end) {
					pl.steps[j].at = end
				}
			}
			st.Dossiers++
			st.Commune++
			if online {
				st.Online++
			}
			plans = append(plans, pl)
		}
	}
	return plans, nil
}

// cutFor is the last step a dossier of queue takes: -1 for all.
func cutFor(queue string, steps []step) int {
	find := func(f func(step) bool) int {
		return slices.IndexFunc(steps, f)
	}
	isAct := func(a dossier.Action) func(step) bool {
		return func(s step) bool { return s.op == opAct && s.action == a }
	}
	switch queue {
	case "reception":
		return 0
	case "processing":
		return find(isAct(dossier.Receive))
	case "approval":
		if i := find(isAct(dossier.Approve)); i > 0 {
			return i - 1
		}
		return find(isAct(dossier.Receive))
	case "supplement":
		recv := find(isAct(dossier.Receive))
		for i := recv + 1; i < len(steps); i++ {
			if isAct(dossier.RequestSupplement)(steps[i]) {
				return i
			}
		}
		return recv
	case "payment":
		return find(func(s step) bool { return s.op == opFee })
	case "result":
		if i := find(func(s step) bool {
			return s.op == opPayDesk || s.op == opShip || s.op == opAct && s.action == dossier.Deliver
		}); i > 0 {
			return i - 1
		}
	}
	return -1
}

// hasStep reports whether p has a step of role, at the commune committee
// when here is set.
func hasStep(p catalog.Procedure, role string, here bool) bool {
	return slices.ContainsFunc(p.Steps, func(s catalog.Step) bool {
		return s.Role == role && (!here || s.Level == unit.Commune && (s.Kind == "" || s.Kind == unit.Committee))
	})
}

func sumOf(m map[string]float64) float64 {
	t := 0.0
	for _, w := range m {
		t += w
	}
	return t
}

// deskWeight: xã Nho Quan took the district town and the district's desk;
// the two wards are mostly outside the demo's area.
func deskWeight(centre string) float64 {
	switch centre {
	case "001.01.37.H40":
		return 2.5
	case "001.09.37.H40", "001.10.37.H40":
		return 0.5
	}
	return 1
}

// twoTierCommunes is how many communes and wards the two-tier world has
// (demo/plans/2025-07-01-ninh-binh.json): committees 000.NN.37.H40, their
// service centres 001.NN.37.H40.
const twoTierCommunes = 10

// twoTierAccounts finds or creates the officers of the two-tier world —
// reception at each service centre, specialist, leader and clerk at each
// commune's committee, the land branch's — and the citizen pool, and
// returns the desks (the service centres).
func (g *gen) twoTierAccounts(st *Stats) ([]unit.Unit, error) {
	ctx := g.ctx
	var wants []want
	var desks []unit.Unit
	for n := 1; n <= twoTierCommunes; n++ {
		committee, err := g.units.ByCode(ctx, fmt.Sprintf("000.%02d.37.H40", n))
		if err != nil {
			return nil, err
		}
		centre, err := g.units.ByCode(ctx, fmt.Sprintf("001.%02d.37.H40", n))
		if err != nil {
			return nil, err
		}
		desks = append(desks, centre)
		g.postAreas[centre.ID] = []string{committee.Code}
		// The 2022 accounts moved with their units (Logins).
		prefix := communeSlug(committee.ShortName)
		switch committee.Code {
		case NhoQuanCode:
			prefix = "huyen"
		case GiaLam2025Code:
			prefix = "gialam"
		}
		for _, role := range workRoles {
			at := committee
			if role == auth.Reception {
				at = centre
			}
			wants = append(wants, want{username: prefix + "." + roleSuffix[role], role: role, unit: at,
				full: fmt.Sprintf("%s (%s)", auth.RoleName(role), committee.ShortName)})
		}
	}
	branch, err := g.units.ByCode(ctx, LandBranchCode)
	if err != nil {
		return nil, err
	}
	for _, a := range BranchAccounts {
		wants = append(wants, want{username: a.Username, role: a.Role, unit: branch})
	}
	return desks, g.ensure(append(wants, citizenPool()...), st)
}
