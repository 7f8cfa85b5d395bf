package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
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
	// Years (default 1) is how many years to generate, the last being
	// Year: --year 2022 --years 3 generates 2020, 2021 and 2022, each at
	// the scale of the seed district's 2022.
	Year  int
	Years int
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
	Refused      int // refused after examination (a result, delivered)
	Supplemented int // returned for completion at reception, then received
	// Asked for a supplement during processing; paused for a period the
	// law excludes; withdrawn at the applicant's request; stopped.
	SupplementedLater int
	Paused            int
	Withdrawn         int
	Stopped           int
	Rejected          int // refused at reception (Live only)
	// Fees paid at the VNPAY simulator and at the desk; results sent by
	// post (the simulated post); ratings given.
	PaidOnline int
	PaidDesk   int
	Posted     int
	Rated      int
	Actions    int
	Users      int // accounts created
	// Documents written (GenerateDocuments) and those handled entirely
	// online.
	Documents       int
	DocumentsOnline int
	// ResultDocuments is how many dossiers' results were registered in
	// the outgoing registers as they were made (document.OnTransitioned),
	// ResultsOnline those of them with an e-result.
	ResultDocuments int
	ResultsOnline   int
	// LandChanges are the registry's history rows the land dossiers'
	// results made (splits, transfers, changes of use, certificates).
	LandChanges int
	Elapsed     time.Duration
}

// count records a planned dossier's outcome.
func (s *Stats) count(outcome string) {
	switch outcome {
	case outRefused:
		s.Refused++
		s.Delivered++
	case outLate:
		s.Late++
		s.Delivered++
	case outReturned:
		s.Supplemented++
		s.Delivered++
	case outSupplement:
		s.SupplementedLater++
		s.Delivered++
	case outPaused:
		s.Paused++
		s.Delivered++
	case outWithdrawn:
		s.Withdrawn++
	case outStopped:
		s.Stopped++
	case outRejected:
		s.Rejected++
	default:
		s.Delivered++
	}
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
		"%d delivered, %d late (apologized), %d refused, %d returned at reception, %d supplemented in processing, %d paused, "+
		"%d withdrawn, %d stopped; fees paid %d online (VNPAY) and %d at the desk; %d results by post; %d ratings; "+
		"%d actions, %d accounts created, in %s",
		s.Dossiers, 100*s.OnlineShare(), s.District, s.Commune, s.Delivered, s.Late, s.Refused, s.Supplemented,
		s.SupplementedLater, s.Paused, s.Withdrawn, s.Stopped, s.PaidOnline, s.PaidDesk, s.Posted, s.Rated,
		s.Actions, s.Users, s.Elapsed.Round(time.Millisecond))
}

// Targets returns the dossier counts at the district and at the communes for a scale.
func Targets(scale float64) (district, commune int) {
	return int(math.Round(DistrictDossiers2022 * scale)), int(math.Round(CommuneDossiers2022 * scale))
}

// MaxYears bounds --years: a decade of a district is 670,000 dossiers.
const MaxYears = 20

// CheckYears refuses a span of years that makes no sense.
func CheckYears(year, years int) error {
	switch {
	case years < 1:
		return fmt.Errorf("demo: --years must be at least 1, not %d", years)
	case years > MaxYears:
		return fmt.Errorf("demo: --years is at most %d, not %d", MaxYears, years)
	case year < 2000 || year > 2100:
		return fmt.Errorf("demo: --year must be between 2000 and 2100, not %d", year)
	case year-years+1 < 2000:
		return fmt.Errorf("demo: %d years back from %d start in %d, before 2000", years, year, year-years+1)
	}
	return nil
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

// officers of one unit by role.
type officers map[string]*auth.Actor

// Generate produces years of dossiers through the real services: every
// dossier is submitted and taken through its lifecycle by the officers of
// its unit — fees asked for and paid at the VNPAY simulator or the desk,
// results handed over or sent through the simulated post, ratings — with
// a clock moved forward through the years. It loads the demo world first
// if it is missing. Deterministic for a seed on an empty database.
func Generate(ctx context.Context, cfg GenerateConfig) (Stats, error) {
	start := time.Now()
	if cfg.Year == 0 {
		cfg.Year = 2022
	}
	if cfg.Years == 0 {
		cfg.Years = 1
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
	if err := CheckYears(cfg.Year, cfg.Years); err != nil {
		return Stats{}, err
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	db := cfg.DB
	if _, err := schema.Migrate(ctx, db); err != nil {
		return Stats{}, err
	}
	firstYear := cfg.Year - cfg.Years + 1
	clock := &genClock{t: time.Date(firstYear, 1, 1, 0, 0, 0, 0, calendar.Zone)}
	units := unit.NewStore(db, clock.Now)
	cat := catalog.NewStore(db, clock.Now)
	// The simulated years may lie before the shipped catalog's date in force.
	inForce := fmt.Sprintf("%04d-01-01", firstYear)
	if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := cat.SeedBuiltinFrom(ctx, tx, inForce); return err }); err != nil {
		return Stats{}, err
	}
	// The years are generated at the 2022 units: a database that has moved
	// on (the two-tier world of serve --demo) has no district to file at.
	if world, err := WorldOf(ctx, units); err != nil {
		return Stats{}, err
	} else if world != "" && world != World2022 {
		return Stats{}, ErrNot2022
	}
	if _, err := Load(ctx, db, units, auth.NewService(db, auth.Config{Params: DemoParams, Now: clock.Now, Units: units})); err != nil {
		return Stats{}, fmt.Errorf("demo: load world: %w", err)
	}
	e, err := newEngine(ctx, db, cfg.DataDir, clock)
	if err != nil {
		return Stats{}, err
	}
	defer e.close()

	var st Stats
	g := newGen(ctx, e, rand.New(rand.NewPCG(cfg.Seed, 0x6d6f74637561)))
	g.landUsed, g.landMade = map[int64]bool{}, map[string]int{}
	if err := g.accounts(&st); err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "demo: %d accounts created, planning %d year(s) to %d at scale %g\n", st.Users, cfg.Years, cfg.Year, cfg.Scale)
	if err := g.procedures(); err != nil {
		return st, err
	}
	for y := firstYear; y <= cfg.Year; y++ {
		g.year = y
		plans, err := g.plan(cfg.Scale, &st)
		if err != nil {
			return st, err
		}
		if err := g.run(plans, time.Time{}, &st, progress, start); err != nil {
			return st, err
		}
		// The year's documents, through document's bulk path (the results'
		// documents were registered by the listener as they were made).
		ds, err := GenerateDocuments(ctx, e.docs, y, cfg.Scale, cfg.Seed+uint64(y))
		if err != nil {
			return st, err
		}
		st.Documents += ds.Documents()
		st.DocumentsOnline += ds.Online
		fmt.Fprintf(progress, "demo: %d: %d documents (%d incoming, %d outgoing), %.1f%% handled entirely online\n",
			y, ds.Documents(), ds.Incoming, ds.Outgoing, 100*ds.OnlineShare())
	}
	// A result made early in the year after the last is still one of its dossiers'.
	st.ResultDocuments, st.ResultsOnline, err = e.docs.Results(ctx, time.Date(firstYear, 1, 1, 0, 0, 0, 0, calendar.Zone),
		time.Date(cfg.Year+2, 1, 1, 0, 0, 0, 0, calendar.Zone))
	if err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "demo: %d results registered as outgoing documents (%d e-results)\n", st.ResultDocuments, st.ResultsOnline)
	if st.LandChanges, err = e.land.DossierChanges(ctx); err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "demo: %d land registry changes made by the land dossiers' results\n", st.LandChanges)
	st.Elapsed = time.Since(start)
	return st, nil
}

// run takes the planned steps in time order, up to end (zero: all), each
// through its service with the clock set to its moment.
func (g *gen) run(plans []plan, end time.Time, st *Stats, progress io.Writer, start time.Time) error {
	ctx, e := g.ctx, g.e
	var all []step
	for i := range plans {
		for j := range plans[i].steps {
			s := plans[i].steps[j]
			if (plans[i].cut >= 0 && j > plans[i].cut) || (!end.IsZero() && s.at.After(end)) {
				break
			}
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
			return err
		}
		e.clock.Set(s.at)
		p := &plans[s.d]
		if err := g.take(p, s, st); err != nil {
			return fmt.Errorf("demo: %s: %w", p.code, err)
		}
		st.Actions++
		if pct := (n + 1) * 100 / len(all); pct >= next {
			fmt.Fprintf(progress, "demo: %3d%%  %s  %d/%d actions  %s\n", pct, s.at.Format("2006-01-02"), n+1, len(all), time.Since(start).Round(time.Second))
			next = pct + 10
		}
	}
	return nil
}

// take does one step.
func (g *gen) take(p *plan, s step, st *Stats) error {
	ctx, e := g.ctx, g.e
	switch s.op {
	case opSubmit:
		if land.IsLand(p.in.Procedure) && g.landUsed != nil {
			if err := g.landParcel(p); err != nil {
				return err
			}
		}
		d, _, err := e.dossiers.Submit(ctx, p.by, p.in)
		if err != nil {
			return fmt.Errorf("submit %s at %s: %w", p.in.Procedure, p.in.Unit, err)
		}
		p.code = d.Code
	case opAct:
		in := dossier.ActInput{Note: s.note, NewDue: s.newDue, Kind: s.kind}
		if s.items {
			in.Items = []dossier.SupplementItem{{Name: "Bản sao giấy tờ còn thiếu", Reason: "Chưa nộp kèm hồ sơ"}}
		}
		if g.landUsed != nil {
			if err := g.measure(p, s); err != nil {
				return fmt.Errorf("split measurement: %w", err)
			}
		}
		_, err := e.dossiers.Act(ctx, s.actor, p.code, s.action, in)
		if s.action == dossier.Deliver && apologyFirst(err) {
			if err = g.apologize(p, s, st); err == nil {
				_, err = e.dossiers.Act(ctx, s.actor, p.code, s.action, in)
			}
		}
		if err != nil {
			return fmt.Errorf("%s by %s at %s: %w", s.action, s.actor.Username, s.at.Format(time.RFC3339), err)
		}
	case opFee:
		if _, err := e.payments.Request(ctx, s.actor, p.code, payment.RequestInput{Pages: s.n, Copies: s.copies}); err != nil {
			return fmt.Errorf("fee request: %w", err)
		}
	case opPayOnline, opPayCancel:
		if err := e.payOnline(ctx, s.actor, p.code, s.op == opPayCancel); err != nil {
			return fmt.Errorf("online payment: %w", err)
		}
		if s.op == opPayOnline {
			st.PaidOnline++
		}
	case opPayDesk:
		receipt := fmt.Sprintf("BL%d-%06d", s.at.Year()%100, st.PaidDesk+1)
		if err := e.payAtDesk(ctx, s.actor, p.code, s.pos, receipt); err != nil {
			return fmt.Errorf("desk payment: %w", err)
		}
		st.PaidDesk++
	case opShip:
		item, err := e.ship(ctx, s.actor, p.code, p.in.Applicant, p.addr)
		if apologyFirst(err) {
			if err = g.apologize(p, s, st); err == nil {
				item, err = e.ship(ctx, s.actor, p.code, p.in.Applicant, p.addr)
			}
		}
		if err != nil {
			return fmt.Errorf("result by post: %w", err)
		}
		p.item = item
		st.Posted++
	case opTrack:
		if err := e.track(ctx, p.item, s.n); err != nil {
			return fmt.Errorf("post tracking: %w", err)
		}
	case opRate:
		if _, err := e.ratings.Rate(ctx, s.actor, p.code, s.score, ""); err != nil {
			return fmt.Errorf("rating: %w", err)
		}
		st.Rated++
	}
	return nil
}

// apologyFirst reports whether a hand-over was refused because the
// result is late and the applicant has not been apologised to.
func apologyFirst(err error) bool {
	var pe *problem.Error
	return errors.As(err, &pe) && pe.Code == "apology_required"
}

// apologize is the desk's apology (Mẫu 04) with a new date, for a result
// the plan meant to hand over in time but that the calendar (a holiday, a
// pause cut at its legal end) made late: what a real desk must do too.
func (g *gen) apologize(p *plan, s step, st *Stats) error {
	due := g.cal.AddWorking(s.at, 8*time.Hour)
	_, err := g.e.dossiers.Act(g.ctx, s.actor, p.code, dossier.Apologize, dossier.ActInput{NewDue: &due,
		Note: "Hồ sơ giải quyết quá hạn; UBND xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."})
	if err == nil {
		st.Late++
		st.Actions++
	}
	return err
}

type gen struct {
	ctx       context.Context
	e         *engine
	db        *store.DB
	au        *auth.Service
	units     *unit.Store
	cal       *calendar.Calendar
	r         *rand.Rand
	year      int
	rejects   bool // plan refusals at reception (Live)
	district  unit.Unit
	communes  []unit.Unit
	staff     map[int64]officers // by unit id
	postAreas map[int64][]string // commune codes a unit's results are posted to
	stepUnits map[string]int64   // officer's cache of unit.Store.ForStep
	citizens  []*auth.Actor
	procs     map[string]catalog.Procedure
	// The land registry's parcels named by a dossier so far, and how many
	// parcels were made per unit (demo/land.go); nil: none named (the
	// dossiers are filed as at a commune the registry does not cover).
	landUsed map[int64]bool
	landMade map[string]int
}

func newGen(ctx context.Context, e *engine, r *rand.Rand) *gen {
	return &gen{ctx: ctx, e: e, db: e.db, au: e.au, units: e.units, cal: e.cal, r: r,
		staff: map[int64]officers{}, postAreas: map[int64][]string{}, stepUnits: map[string]int64{}}
}

// communeSlug is the username prefix of a commune's officers: "Xã Gia Lâm" → "gialam".
func communeSlug(name string) string {
	for _, p := range []string{"Xã ", "Thị trấn ", "Phường "} {
		name = strings.TrimPrefix(name, p)
	}
	return strings.ReplaceAll(vntext.Fold(name), " ", "")
}

var roleSuffix = map[string]string{auth.Reception: "tiepnhan", auth.Specialist: "chuyenvien", auth.Leader: "lanhdao", auth.Clerk: "vanthu"}
var workRoles = []string{auth.Reception, auth.Specialist, auth.Leader, auth.Clerk}
