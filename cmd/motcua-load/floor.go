package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/store"
)

// The floor is what the database itself does in the same run, on this
// machine, at the same concurrency: one-row INSERT transactions (what
// each write request must at least cost) and primary-key SELECTs (each
// read's least). It opens the database through store.Open, so the driver,
// pool sizes and SQLite pragmas (WAL, synchronous=NORMAL, busy_timeout,
// the single writer connection, BEGIN IMMEDIATE) are motcua's own, and
// runs each statement through store's transaction helper and statement
// cache as motcua's code does — except SQLite's inserts, each its own
// commit on a plain handle, since store's helper groups commits.

// floorResult is one engine's floor.
type floorResult struct {
	Engine          string  `json:"engine"`
	Concurrency     int     `json:"concurrency"`
	CommitsPerSec   float64 `json:"commits_per_sec"`
	CommitP50       string  `json:"commit_p50"`
	CommitP99       string  `json:"commit_p99"`
	SelectsPerSec   float64 `json:"selects_per_sec"`
	SelectP50       string  `json:"select_p50"`
	SelectP99       string  `json:"select_p99"`
	PgbenchInserts  float64 `json:"pgbench_inserts_per_sec,omitempty"`
	PgbenchNote     string  `json:"pgbench_note,omitempty"`
	CommitErrors    int64   `json:"commit_errors"`
	SelectErrors    int64   `json:"select_errors"`
	DurationPerPart string  `json:"duration_per_part"`
}

// floorRow is about the size of a small dossier event row.
var floorRow = strings.Repeat("Nguyễn Văn Tải, chứng thực bản sao. ", 6)

// runFloor measures the floor named by spec: sqlite:DIR (a new or empty
// directory: the floor's table is its own, never in motcua's database) or
// a postgres:// URL (where it creates and drops the table load_floor).
func runFloor(ctx context.Context, spec string, c int, d time.Duration) (*floorResult, error) {
	var cfg store.Config
	engine := "postgres"
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		engine, cfg.Dir = "sqlite", strings.TrimPrefix(spec, "sqlite:")
		if cfg.Dir == "" {
			return nil, errors.New("--floor sqlite:DIR needs a directory")
		}
		if _, err := os.Stat(filepath.Join(cfg.Dir, "motcua.db")); err == nil {
			return nil, fmt.Errorf("--floor %s: the directory holds a motcua.db; give the floor a directory of its own", spec)
		}
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		cfg.URL = spec
	default:
		return nil, fmt.Errorf("--floor takes sqlite:DIR or a postgres:// URL, not %q", spec)
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	create := `CREATE TABLE load_floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at BIGINT NOT NULL)`
	if engine == "postgres" {
		create = `CREATE TABLE load_floor (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, at BIGINT NOT NULL)`
	}
	if _, err := db.ExecContext(ctx, create); err != nil {
		return nil, fmt.Errorf("floor: %w (a load_floor table left by an interrupted run? drop it)", err)
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE load_floor`)

	res := &floorResult{Engine: engine, Concurrency: c, DurationPerPart: d.String()}
	insert := func(ctx context.Context, _ *rand.Rand) error {
		return db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO load_floor (body, at) VALUES (?, ?)`, floorRow, time.Now().UnixMilli())
			return err
		})
	}
	if engine == "sqlite" {
		// store.InTx commits concurrent calls together on SQLite (group
		// commit): the floor is one commit per row, so its rows go
		// through a plain handle on the same file with store's own
		// pragmas and the single writer connection.
		raw, err := sql.Open("sqlite", store.SQLiteDSN(filepath.Join(cfg.Dir, "motcua.db"), true))
		if err != nil {
			return nil, err
		}
		defer raw.Close()
		raw.SetMaxOpenConns(1)
		insert = func(ctx context.Context, _ *rand.Rand) error {
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO load_floor (body, at) VALUES (?, ?)`, floorRow, time.Now().UnixMilli()); err != nil {
				return errors.Join(err, tx.Rollback())
			}
			return tx.Commit()
		}
	}
	w := floorPart(ctx, c, d, insert)
	res.CommitsPerSec, res.CommitP50, res.CommitP99, res.CommitErrors = w.rate, w.p50, w.p99, w.errors
	// The ids there are, not 1..COUNT: PostgreSQL's sequence skips the
	// values of the transactions cut off at the end.
	ids, err := floorIDs(ctx, db)
	if err != nil || len(ids) == 0 {
		return nil, errors.Join(fmt.Errorf("floor: no rows inserted (first error: %s)", w.firstErr), err)
	}
	sel := func(ctx context.Context, r *rand.Rand) error {
		var body string
		return db.QueryRowContext(ctx, `SELECT body FROM load_floor WHERE id = ?`, ids[r.IntN(len(ids))]).Scan(&body)
	}
	s := floorPart(ctx, c, d, sel)
	res.SelectsPerSec, res.SelectP50, res.SelectP99, res.SelectErrors = s.rate, s.p50, s.p99, s.errors
	if engine == "postgres" {
		res.PgbenchInserts, res.PgbenchNote = pgbench(ctx, spec, c, d)
	}
	return res, nil
}

func floorIDs(ctx context.Context, db *store.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM load_floor`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

type partResult struct {
	rate     float64
	p50, p99 string
	errors   int64
	firstErr string
}

// floorPart runs fn from c goroutines for d.
func floorPart(ctx context.Context, c int, d time.Duration, fn func(context.Context, *rand.Rand) error) partResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	t0 := time.Now()
	for g := range c {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			var mine []time.Duration
			for ctx.Err() == nil {
				s := time.Now()
				if err := fn(ctx, r); err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
						first.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				mine = append(mine, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	el := time.Since(t0)
	slices.Sort(lat)
	out := partResult{errors: errs.Load(), p50: "-", p99: "-"}
	if f, ok := first.Load().(string); ok {
		out.firstErr = f
	}
	if len(lat) > 0 {
		out.rate = float64(len(lat)) / el.Seconds()
		out.p50, out.p99 = roundDur(lat[len(lat)/2]), roundDur(lat[len(lat)*99/100])
	}
	return out
}

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs PostgreSQL's own client with a one-INSERT script at the
// same concurrency (each INSERT its own autocommit transaction: one round
// trip, where motcua's transactions take three), if it is installed, for
// the floor's time but at least 3 s (pgbench's own start takes a while).
func pgbench(ctx context.Context, url string, c int, d time.Duration) (float64, string) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return 0, "pgbench not installed"
	}
	f, err := os.CreateTemp("", "motcua-load-*.sql")
	if err != nil {
		return 0, err.Error()
	}
	defer os.Remove(f.Name())
	fmt.Fprintf(f, "INSERT INTO load_floor (body, at) VALUES ('%s', 0);\n", floorRow)
	f.Close()
	secs := max(3, int(d.Round(time.Second)/time.Second))
	out, err := exec.CommandContext(ctx, bin, "-n", "-f", f.Name(), "-c", strconv.Itoa(c), "-j", strconv.Itoa(min(c, 4)),
		"-T", strconv.Itoa(secs), url).CombinedOutput()
	m := tpsRE.FindSubmatch(out)
	if err != nil || m == nil {
		return 0, fmt.Sprintf("pgbench failed: %v %s", err, lastLine(out))
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	return tps, fmt.Sprintf("pgbench -n -f (one INSERT) -c %d -j %d -T %d", c, min(c, 4), secs)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func roundDur(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
