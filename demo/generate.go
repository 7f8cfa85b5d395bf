package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// The year the demo world is modelled on (Nho Quan, 2022): dossiers
// received at the district and at its communes, and the online share.
const (
	DistrictDossiers2022 = 8301
	CommuneDossiers2022  = 58819
	OnlineShare2022      = 0.88
)

// CitizenPool is how many demo citizens file the online dossiers.
const CitizenPool = 200

// DemoParams are the argon2id costs of the accounts the generator creates
// (a pool of citizens and the commune officers). They are far below the
// production costs so that creating them is fast: these are demo accounts
// with a published password, never real ones.
var DemoParams = auth.Params{Time: 1, MemKiB: 1024, Threads: 1}

// ErrNot2022 is Generate's answer on a database that holds another demo
// world than the 2022 one.
var ErrNot2022 = errors.New("demo: generating a year needs the 2022 demo world, and this database holds the two-tier world " +
	"(serve --demo); generate on an empty database (another --data directory): the 2022 world is loaded first")

// GenerateConfig says what year to generate and where.
type GenerateConfig struct {
	DB *store.DB
	// DataDir is the data directory (for the dossier service's files dir).
	DataDir string
	// Year defaults to 2022, Scale to 1 (the real year), Seed to 1.
	Year  int
	Scale float64
	Seed  uint64
	// Progress, when set, receives progress lines.
	Progress io.Writer
}

// Stats is what Generate produced.
type Stats struct {
	Dossiers     int
	Online       int
	District     int
	Commune      int
	Delivered    int
	Late         int // delivered after the deadline, with an apology first
	Refused      int
	Supplemented int // returned for completion at reception, then received
	Actions      int
	Users        int // accounts created
	Elapsed      time.Duration
}

// OnlineShare is the share of dossiers filed online.
func (s Stats) OnlineShare() float64 {
	if s.Dossiers == 0 {
		return 0
	}
	return float64(s.Online) / float64(s.Dossiers)
}

func (s Stats) String() string {
	return fmt.Sprintf("%d dossiers received (%.1f%% online), %d at the district, %d at the communes; "+
		"%d delivered, %d late (apologized), %d refused, %d supplemented; %d actions, %d accounts created, in %s",
		s.Dossiers, 100*s.OnlineShare(), s.District, s.Commune, s.Delivered, s.Late, s.Refused, s.Supplemented,
		s.Actions, s.Users, s.Elapsed.Round(time.Millisecond))
}

// Targets returns the dossier counts at the district and at the communes for a scale.
func Targets(scale float64) (district, commune int) {
	return int(math.Round(DistrictDossiers2022 * scale)), int(math.Round(CommuneDossiers2022 * scale))
}

// procedure mix: relative weights at the communes and at the district.
var communeMix = map[string]float64{
	"2.000815": 30, "2.000884": 8, "2.001035": 5, "2.001019": 0.3, // chứng thực
	"1.001193": 10, "1.000656": 4, "1.000894": 4, "1.004873": 8, "2.000635": 6, "1.004859": 2, // hộ tịch
	"1.004884": 1, "1.000689": 0.5, "1.001022": 0.5, "1.004746": 0.3, "1.004837": 0.3, "1.004845": 0.2, "1.005461": 0.3,
	"1.001612": 1, "2.000720": 0.7, "1.001266": 0.4, "1.001570": 0.3, "2.000575": 0.2, // hộ kinh doanh
	"1.001776": 2, "1.001731": 0.5, "1.001653": 0.3, "1.001699": 0.5, // bảo trợ xã hội
	"1.013225": 1.5, "1.013226": 0.2, "1.013227": 0.2, "1.013228": 0.1, // xây dựng
	"1.013831": 3, "1.012783": 1, "1.012784": 1, "1.012786": 0.5, "1.013949": 0.5, "1.013978": 1.5, // đất đai, liên thông
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

// genClock is the settable clock the generator moves forward.
type genClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *genClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *genClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

// step is one planned action on a dossier.
type step struct {
	at     time.Time
	d      int // index in plans
	i      int // index in the plan's steps
	action dossier.Action
	actor  *auth.Actor
	note   string
	newDue *time.Time
}

type plan struct {
	in    dossier.SubmitInput
	by    *auth.Actor
	code  string
	steps []step
}

// officers of one unit by role.
type officers map[string]*auth.Actor

// Generate produces a year of dossiers through the real dossier service:
// every dossier is submitted and taken through its lifecycle by the
// officers of its unit, with a clock moved forward through the year.
// It loads the demo world first if it is missing. Deterministic for a seed
// on an empty database.
func Generate(ctx context.Context, cfg GenerateConfig) (Stats, error) {
	start := time.Now()
	if cfg.Year == 0 {
		cfg.Year = 2022
	}
	if cfg.Scale == 0 {
		cfg.Scale = 1
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Scale < 0 {
		return Stats{}, fmt.Errorf("demo: negative scale")
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	db := cfg.DB
	if _, err := schema.Migrate(ctx, db); err != nil {
		return Stats{}, err
	}
	clock := &genClock{t: time.Date(cfg.Year, 1, 1, 0, 0, 0, 0, calendar.Zone)}
	units := unit.NewStore(db, clock.Now)
	cat := catalog.NewStore(db, clock.Now)
	// The simulated year may lie before the shipped catalog's date in force.
	inForce := fmt.Sprintf("%04d-01-01", cfg.Year)
	if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := cat.SeedBuiltinFrom(ctx, tx, inForce); return err }); err != nil {
		return Stats{}, err
	}
	// The year is generated at the 2022 units: a database that has moved
	// on (the two-tier world of serve --demo) has no district to file at.
	if world, err := WorldOf(ctx, units); err != nil {
		return Stats{}, err
	} else if world != "" && world != World2022 {
		return Stats{}, ErrNot2022
	}
	au := auth.NewService(db, auth.Config{Params: DemoParams, Now: clock.Now, Units: units})
	if _, err := Load(ctx, db, units, au); err != nil {
		return Stats{}, fmt.Errorf("demo: load world: %w", err)
	}
	scal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Now: clock.Now})
	if err != nil {
		return Stats{}, err
	}
	cal := scal.Current()
	// No notifier: a year of confirmations would fill the outbox with
	// messages to demo addresses.
	svc := dossier.NewService(db, units, cat, au, scal, dossier.Config{FilesDir: filepath.Join(cfg.DataDir, "files"), Now: clock.Now})

	var st Stats
	g := &gen{ctx: ctx, db: db, au: au, units: units, cal: cal, r: rand.New(rand.NewPCG(cfg.Seed, 0x6d6f74637561)), year: cfg.Year}
	if err := g.accounts(&st); err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "demo: %d accounts created, planning the year %d at scale %g\n", st.Users, cfg.Year, cfg.Scale)
	if err := g.procedures(cat); err != nil {
		return st, err
	}
	plans, err := g.plan(cfg.Scale, &st)
	if err != nil {
		return st, err
	}
	var all []step
	for i := range plans {
		for j := range plans[i].steps {
			s := plans[i].steps[j]
			s.d, s.i = i, j
			all = append(all, s)
		}
	}
	slices.SortStableFunc(all, func(a, b step) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.d, b.d)
	})
	next := 0
	for n, s := range all {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		clock.Set(s.at)
		p := &plans[s.d]
		if s.i == 0 {
			d, _, err := svc.Submit(ctx, p.by, p.in)
			if err != nil {
				return st, fmt.Errorf("demo: submit %s at %s: %w", p.in.Procedure, p.in.Unit, err)
			}
			p.code = d.Code
		} else {
			in := dossier.ActInput{Note: s.note, NewDue: s.newDue}
			if s.action == dossier.RequestSupplement {
				// Mẫu 02 names what is missing (issue 10): a free line, as
				// every procedure's components differ.
				in.Items = []dossier.SupplementItem{{Name: "Bản sao giấy tờ còn thiếu", Reason: "Chưa nộp kèm hồ sơ"}}
			}
			if _, err := svc.Act(ctx, s.actor, p.code, s.action, in); err != nil {
				return st, fmt.Errorf("demo: %s %s by %s at %s: %w", s.action, p.code, s.actor.Username, s.at.Format(time.RFC3339), err)
			}
		}
		st.Actions++
		if pct := (n + 1) * 100 / len(all); pct >= next {
			fmt.Fprintf(progress, "demo: %3d%%  %s  %d/%d actions  %s\n", pct, s.at.Format("2006-01-02"), n+1, len(all), time.Since(start).Round(time.Second))
			next = pct + 10
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

type gen struct {
	ctx      context.Context
	db       *store.DB
	au       *auth.Service
	units    *unit.Store
	cal      *calendar.Calendar
	r        *rand.Rand
	year     int
	district unit.Unit
	communes []unit.Unit
	staff    map[int64]officers // by unit id
	citizens []*auth.Actor
	procs    map[string]catalog.Procedure
}

// communeSlug is the username prefix of a commune's officers: "Xã Gia Lâm" → "gialam".
func communeSlug(name string) string {
	for _, p := range []string{"Xã ", "Thị trấn "} {
		name = strings.TrimPrefix(name, p)
	}
	return strings.ReplaceAll(vntext.Fold(name), " ", "")
}

var roleSuffix = map[string]string{auth.Reception: "tiepnhan", auth.Specialist: "chuyenvien", auth.Leader: "lanhdao", auth.Clerk: "vanthu"}
var workRoles = []string{auth.Reception, auth.Specialist, auth.Leader, auth.Clerk}

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

// plan draws every dossier of the year and its timed actions.
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
			var err error
			pl, outcome, err = g.dossier(p, u, online[i], day)
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
		switch outcome {
		case "refused":
			st.Refused++
		case "late":
			st.Late++
			st.Delivered++
		case "supplemented":
			st.Supplemented++
			st.Delivered++
		default:
			st.Delivered++
		}
		plans = append(plans, pl)
	}
	return plans, nil
}

func searchCum(cum []float64, x float64) int {
	i, _ := slices.BinarySearch(cum, x)
	return i
}

const minute = time.Minute

// dossier plans one dossier: submission on day, then reception, the
// procedure's steps, the result and its delivery.
func (g *gen) dossier(p catalog.Procedure, u unit.Unit, online bool, day time.Time) (plan, string, error) {
	r := g.r
	staff := g.staff[u.ID]
	desk := staff[auth.Reception]
	w := g.cal.AddWorking
	t := w(day, time.Duration(r.Int64N(int64(8*time.Hour-30*minute)))+minute)
	pl := plan{in: dossier.SubmitInput{Procedure: p.Code, Unit: u.Code, Delivery: "counter"}}
	var app dossier.Applicant
	var applicant *auth.Actor // who supplements a returned dossier
	if online {
		c := pick(r, g.citizens)
		pl.by, applicant = c, c
		app = dossier.Applicant{Name: c.FullName, IDNumber: c.IDNumber, Phone: c.Phone, Address: c.Address}
		pl.in.Channel = "online"
	} else {
		pl.by, applicant = desk, desk
		app = person(r, 1+r.IntN(len(communes)))
		pl.in.Channel = "counter"
		if r.IntN(6) == 0 {
			pl.in.Channel = "post"
		}
	}
	if r.IntN(10) == 0 {
		pl.in.Delivery = "post"
	}
	pl.in.Applicant = app
	pl.in.Form = g.form(p, app, day)
	pl.steps = append(pl.steps, step{at: t, action: "submit"})
	add := func(after time.Duration, a dossier.Action, by *auth.Actor, note string) {
		t = w(t, max(after, minute))
		pl.steps = append(pl.steps, step{at: t, action: a, actor: by, note: note})
	}
	// Reception: at once at the counter, within hours for online and post.
	wait := time.Duration(5+r.IntN(20)) * minute
	if pl.in.Channel != "counter" {
		wait = time.Duration(15+r.IntN(180)) * minute
	}
	outcome := "ontime"
	switch x := r.IntN(1000); {
	case x < 5:
		add(wait, dossier.Refuse, desk, "Thủ tục không thuộc thẩm quyền giải quyết hoặc hồ sơ không đủ điều kiện (Mẫu 03).")
		return pl, "refused", nil
	case x < 20:
		add(wait, dossier.RequestSupplement, desk, "Đề nghị bổ sung bản sao giấy tờ còn thiếu (Mẫu 02).")
		add(time.Duration(1+r.IntN(3))*8*time.Hour, dossier.Supplement, applicant, "")
		wait = time.Duration(10+r.IntN(60)) * minute
		outcome = "supplemented"
	case x < 35:
		outcome = "late"
	}
	add(wait, dossier.Receive, desk, "")
	received := t
	due, err := g.cal.Due(received, p.Time.Unit, p.Time.Value)
	if err != nil {
		return pl, "", err
	}
	allowed := g.cal.WorkingBetween(received, due)
	first, last := workSteps(p)
	n := last - first + 1
	// On time: the result comes at 25–85% of the allowed time, delivered
	// before the deadline. Late: the result comes 0.5–3 working days after it.
	var result time.Duration
	if outcome == "late" {
		result = allowed + time.Duration(4+r.IntN(20))*time.Hour
	} else {
		result = time.Duration(float64(allowed) * (0.25 + 0.6*r.Float64()))
	}
	per := result / time.Duration(n)
	for i := first; i <= last; i++ {
		s := p.Steps[i]
		var by *auth.Actor
		if s.Level == unit.District || u.ID == g.district.ID {
			by = g.staff[g.district.ID][s.Role]
		} else {
			by = staff[s.Role]
		}
		if by == nil {
			return pl, "", fmt.Errorf("demo: no %s at %s for %s", s.Role, u.Code, p.Code)
		}
		a := dossier.Forward
		if s.Role == auth.Leader {
			a = dossier.Approve
		}
		add(per, a, by, "")
	}
	if outcome == "late" {
		add(10*minute, dossier.Apologize, desk, "Hồ sơ giải quyết quá hạn; UBND xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).")
		nd := w(t, 8*time.Hour)
		pl.steps[len(pl.steps)-1].newDue = &nd
		add(time.Duration(30+r.IntN(180))*minute, dossier.Deliver, desk, "")
		return pl, outcome, nil
	}
	left := g.cal.WorkingBetween(t, due)
	add(time.Duration(float64(left)*0.8*r.Float64()), dossier.Deliver, desk, "")
	return pl, outcome, nil
}

// workSteps are the first and last processing steps (those not at the one-stop desk).
func workSteps(p catalog.Procedure) (first, last int) {
	first, last = 0, len(p.Steps)-1
	for first < len(p.Steps) && p.Steps[first].Role == auth.Reception {
		first++
	}
	for last >= 0 && p.Steps[last].Role == auth.Reception {
		last--
	}
	return first, last
}
