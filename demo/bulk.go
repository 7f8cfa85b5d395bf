package demo

// Bulk synthetic data for measuring the reports at scale (issue 12):
// millions of dossiers of the 2022 world written straight into the
// dossier tables (dossier.BulkLoader), each with the history the real
// services would have recorded for the life Generate plans for it.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/unit"
)

// BulkConfig says how many dossiers to write, over which years.
type BulkConfig struct {
	DB *store.DB
	// Dossiers are spread evenly over Years years ending with Year
	// (default 2022), each year at the seed district's distribution:
	// its units, procedures, seasons and online share.
	Dossiers int
	Years    int
	Year     int
	Seed     uint64
	// Batch is how many dossiers go in one transaction (default 5,000).
	Batch int
	// Progress, when set, receives progress lines.
	Progress io.Writer
}

// BulkStats is what Bulk wrote.
type BulkStats struct {
	Dossiers, Events, Online int
	Open                     int // not closed when the data ends (result_ready included)
	Late                     int // apologised for: results made after the deadline
	Elapsed                  time.Duration
}

// Rate is the dossiers written per second.
func (s BulkStats) Rate() float64 { return float64(s.Dossiers) / max(s.Elapsed.Seconds(), 1e-9) }

// Bulk writes cfg.Dossiers dossiers of the 2022 world into an empty
// dossier table, loading the world first if it is missing. Each dossier's
// life is planned as Generate plans it (gen.dossier) and replayed through
// the lifecycle table (dossier.Rules) into the events the services record;
// the lives still running at the end of the last year are cut there, so
// the data ends with dossiers in progress. Deterministic for a seed.
// It is for benchmarks and load tests: no notification, audit entry,
// payment, shipment or rating is made.
func Bulk(ctx context.Context, cfg BulkConfig) (BulkStats, error) {
	start := time.Now()
	if cfg.Year == 0 {
		cfg.Year = 2022
	}
	if cfg.Years == 0 {
		cfg.Years = 1
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 5000
	}
	if cfg.Dossiers < 0 {
		return BulkStats{}, fmt.Errorf("demo: negative number of dossiers")
	}
	if err := CheckYears(cfg.Year, cfg.Years); err != nil {
		return BulkStats{}, err
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	db := cfg.DB
	if _, err := schema.Migrate(ctx, db); err != nil {
		return BulkStats{}, err
	}
	loader, err := dossier.NewBulkLoader(ctx, db)
	if err != nil {
		return BulkStats{}, err
	}
	firstYear := cfg.Year - cfg.Years + 1
	clock := &genClock{t: time.Date(firstYear, 1, 1, 0, 0, 0, 0, calendar.Zone)}
	e := &engine{clock: clock, db: db, units: unit.NewStore(db, clock.Now), cat: catalog.NewStore(db, clock.Now)}
	e.au = auth.NewService(db, auth.Config{Params: DemoParams, Now: clock.Now, Units: e.units})
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := e.cat.SeedBuiltinFrom(ctx, tx, fmt.Sprintf("%04d-01-01", firstYear))
		return err
	}); err != nil {
		return BulkStats{}, err
	}
	if world, err := WorldOf(ctx, e.units); err != nil {
		return BulkStats{}, err
	} else if world != "" && world != World2022 {
		return BulkStats{}, ErrNot2022
	}
	if _, err := Load(ctx, db, e.units, e.au); err != nil {
		return BulkStats{}, fmt.Errorf("demo: load world: %w", err)
	}
	scal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Now: clock.Now, Province: e.units})
	if err != nil {
		return BulkStats{}, err
	}
	e.cal = scal.Current()
	g := newGen(ctx, e, rand.New(rand.NewPCG(cfg.Seed, 0x62756c6b)))
	g.rejects = true // refusals at reception (Mẫu 03) too, as Live makes them
	var gst Stats
	if err := g.accounts(&gst); err != nil {
		return BulkStats{}, err
	}
	if err := g.procedures(); err != nil {
		return BulkStats{}, err
	}
	b := &bulkGen{gen: g, roles: map[int64]string{}, stepUnit: map[stepKey]int64{},
		end: time.Date(cfg.Year+1, 1, 1, 0, 0, 0, 0, calendar.Zone)}
	for _, staff := range g.staff {
		for role, a := range staff {
			b.roles[a.ID] = role
		}
	}

	// One goroutine plans, replays and lays out the rows, the caller
	// writes them: the two halves take about as long, and the machine
	// has two cores.
	batches := make(chan bulkBatch, 2)
	genErr := make(chan error, 1)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		genErr <- b.years(gctx, firstYear, cfg, func(ds []dossier.BulkDossier) bool {
			bb := bulkBatch{rows: loader.Rows(ds), last: ds[len(ds)-1].SubmittedAt}
			for i := range ds {
				d := &ds[i]
				bb.st.Dossiers++
				bb.st.Events += len(d.Events)
				if d.Channel == "online" {
					bb.st.Online++
				}
				if d.ClosedAt == 0 {
					bb.st.Open++
				}
			}
			select {
			case batches <- bb:
				return true
			case <-gctx.Done():
				return false
			}
		})
	}()
	var st BulkStats
	next := 0
	for bb := range batches {
		if err := loader.Write(ctx, bb.rows); err != nil {
			cancel()
			for range batches {
			}
			return st, err
		}
		st.Dossiers += bb.st.Dossiers
		st.Events += bb.st.Events
		st.Online += bb.st.Online
		st.Open += bb.st.Open
		if pct := st.Dossiers * 100 / max(cfg.Dossiers, 1); pct >= next {
			el := time.Since(start)
			fmt.Fprintf(progress, "bulk: %3d%%  %d/%d dossiers, %d events, last filed %s, %s, %.0f dossiers/s\n", pct, st.Dossiers, cfg.Dossiers,
				st.Events, time.UnixMilli(bb.last).In(calendar.Zone).Format(time.DateOnly), el.Round(time.Second), float64(st.Dossiers)/el.Seconds())
			next = pct + 5
		}
	}
	if err := <-genErr; err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "bulk: building the indexes, %s\n", time.Since(start).Round(time.Second))
	if err := loader.Finish(ctx); err != nil {
		return st, err
	}
	// The listeners did not see these histories: the reports recount
	// until the tally is built from them (next start, or report rebuild).
	if err := tally.New(db, nil).Invalidate(ctx); err != nil {
		return st, err
	}
	st.Late = b.late
	st.Elapsed = time.Since(start)
	return st, nil
}

// bulkBatch is one transaction's rows and what they hold.
type bulkBatch struct {
	rows *dossier.BulkRows
	st   BulkStats
	last int64 // the last dossier's filing time
}

type stepKey struct {
	unit int64
	proc string
	step int
}

// bulkGen plans dossiers with gen and replays them into BulkDossiers.
type bulkGen struct {
	*gen
	roles    map[int64]string // officer id → the role the generator gave them
	stepUnit map[stepKey]int64
	end      time.Time // lives are cut here
	posted   int       // the post's item numbers
	late     int
}

// filing is one dossier to plan: where, how and when it is filed.
type filing struct {
	u      unit.Unit
	online bool
	proc   string
	at     time.Time
}

// years plans every dossier, day by day, in filing order, and sends them in batches.
// send is given each batch and returns false when the caller gave up.
func (b *bulkGen) years(ctx context.Context, firstYear int, cfg BulkConfig, send func([]dossier.BulkDossier) bool) error {
	r := b.r
	perYear := allocate(cfg.Dossiers, slices.Repeat([]float64{1}, cfg.Years))
	cCum := make([]float64, len(b.communes))
	for i, u := range b.communes {
		cCum[i] = communeWeight(u.ShortName)
		if i > 0 {
			cCum[i] += cCum[i-1]
		}
	}
	cCodes, pcCum := mixOf(communeMix)
	dCodes, pdCum := mixOf(districtMix)
	districtShare := float64(DistrictDossiers2022) / float64(DistrictDossiers2022+CommuneDossiers2022)
	batch := make([]dossier.BulkDossier, 0, cfg.Batch)
	for y := firstYear; y <= cfg.Year; y++ {
		b.year = y
		days, cum := b.days()
		weights := make([]float64, len(cum))
		for i := range cum {
			weights[i] = cum[i]
			if i > 0 {
				weights[i] -= cum[i-1]
			}
		}
		perDay := allocate(perYear[y-firstYear], weights)
		for di, day := range days {
			fs := make([]filing, perDay[di])
			for i := range fs {
				f := &fs[i]
				codes, pcum := cCodes, pcCum
				if r.Float64() < districtShare {
					f.u, codes, pcum = b.district, dCodes, pdCum
				} else {
					f.u = b.communes[min(searchCum(cCum, r.Float64()*cCum[len(cCum)-1]), len(b.communes)-1)]
				}
				f.online = r.Float64() < OnlineShare2022
				f.proc = weighted(r, codes, pcum)
				f.at = b.cal.AddWorking(day, time.Duration(r.Int64N(int64(8*time.Hour-30*minute)))+minute)
			}
			slices.SortStableFunc(fs, func(a, b filing) int { return a.at.Compare(b.at) })
			seq := map[int64]int{}
			for _, f := range fs {
				if err := ctx.Err(); err != nil {
					return err
				}
				seq[f.u.ID]++
				code := fmt.Sprintf("%s-%s-%04d", f.u.Code, f.at.In(calendar.Zone).Format("060102"), seq[f.u.ID])
				d, err := b.one(f, code)
				if err != nil {
					return err
				}
				batch = append(batch, d)
				if len(batch) == cfg.Batch {
					if !send(batch) {
						return ctx.Err()
					}
					batch = make([]dossier.BulkDossier, 0, cfg.Batch)
				}
			}
		}
	}
	if len(batch) > 0 && !send(batch) {
		return ctx.Err()
	}
	return nil
}

// one plans the dossier filed as f and replays its life.
func (b *bulkGen) one(f filing, code string) (dossier.BulkDossier, error) {
	p := b.procs[f.proc]
	pl, _, err := b.dossier(p, f.u, f.online, f.at, "")
	if err != nil {
		return dossier.BulkDossier{}, err
	}
	// Stored as Submit stores it (dossier.checkForm): every value a
	// string, which is what reading a dossier expects.
	strs := make(map[string]string, len(pl.in.Form))
	for k, v := range pl.in.Form {
		switch x := v.(type) {
		case string:
			strs[k] = x
		case int:
			strs[k] = strconv.Itoa(x)
		default:
			return dossier.BulkDossier{}, fmt.Errorf("demo: bulk: form field %s is a %T", k, v)
		}
	}
	form, err := json.Marshal(strs)
	if err != nil {
		return dossier.BulkDossier{}, err
	}
	var token [16]byte
	for i := range token {
		token[i] = byte(b.r.Uint32())
	}
	d := dossier.BulkDossier{Code: code, Procedure: p.Code, ProcedureVersion: int64(p.Version), ReceivingUnit: f.u.ID, Unit: f.u.ID,
		Channel: pl.in.Channel, Status: dossier.Submitted, CreatedBy: pl.by.ID, Applicant: pl.in.Applicant, Form: string(form),
		Delivery: pl.in.Delivery, TrackToken: hex.EncodeToString(token[:]), SubmittedAt: f.at.UnixMilli()}
	if pl.by.IsCitizen() {
		d.Owner = pl.by.ID
		if pl.by.IDNumber == "" || pl.in.Applicant.IDNumber == "" {
			d.OnBehalfReason = dossier.OnBehalfUnverified
		} else if pl.by.IDNumber != pl.in.Applicant.IDNumber {
			d.OnBehalfReason = dossier.OnBehalfOtherID
		}
	} else {
		d.OnBehalfReason = dossier.OnBehalfStaff
	}
	return d, b.replay(&d, p, pl)
}
