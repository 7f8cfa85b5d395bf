package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/vntext"
)

// Bulk loading is for benchmarks and load tests only (`motcua demo bulk`,
// issue 12): millions of dossiers with their histories, which the services
// would take days to make one act at a time. It bypasses the lifecycle on
// purpose — no rule is checked, no event published, no listener runs (no
// audit entry, no notification) — and trusts the caller to give histories
// the services could have recorded. Never use it on a database that serves
// anyone.

// BulkDossier is one dossier as it stands after its history, with that
// history. Times are Unix milliseconds; 0 stands for NULL.
type BulkDossier struct {
	Code, Procedure  string
	ProcedureVersion int64
	ReceivingUnit    int64
	Unit             int64 // the unit holding it after its last event
	Channel          string
	Status           State
	Step             int
	Owner, CreatedBy int64 // 0: none
	OnBehalfReason   string
	Applicant        Applicant
	Form             string // the e-form's JSON
	Delivery         string
	TrackToken       string

	SubmittedAt, ReceivedAt, DueAt, StepStartedAt, PausedAt int64
	ResultAt, DeliveredAt, ClosedAt                         int64
	Apologized, ApologyLate, ResultRefused                  bool
	Supplements                                             int

	Events []BulkEvent
	Pauses []BulkPause
}

// BulkEvent is one row of the history (dossier_events): see appendEvent
// for what the services record in each column.
type BulkEvent struct {
	At                   int64
	ActorID              int64 // 0: the system
	ActorName, ActorRole string
	Action               string
	From, To             State
	FromStep, ToStep     int
	FromUnit, ToUnit     int64 // FromUnit 0: NULL (a submission)
	Due                  int64
	Note                 string
}

// BulkPause is one clock pause (dossier_pauses); Ended 0 while it runs.
type BulkPause struct {
	Started, Ended        int64
	Reason, Kind, EndNote string
}

// ErrBulkNotEmpty is NewBulkLoader's answer on a database that already
// holds dossiers: bulk rows are only ever written into an empty table.
var ErrBulkNotEmpty = errors.New("dossier: the dossiers table is not empty; bulk loading needs an empty one (a new --data directory or database)")

// BulkLoader writes BulkDossiers in batches, each batch one transaction
// of multi-row INSERTs with the ids assigned here (so the events need no
// round trip for their dossier's id).
type BulkLoader struct {
	db                *store.DB
	nextID, nextEvent int64
	seq               map[[2]string]int64 // (agency, YYMMDD) → highest number used
	indexes           []string            // the secondary indexes dropped, as created
	replica           bool                // PostgreSQL: load in the replica role (no foreign-key triggers)
}

// bulkTables are the tables Load writes.
var bulkTables = []string{"dossiers", "dossier_events", "dossier_pauses"}

// NewBulkLoader returns a loader for db, refusing a database that holds dossiers.
func NewBulkLoader(ctx context.Context, db *store.DB) (*BulkLoader, error) {
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrBulkNotEmpty
	}
	indexSearchOnCommit(db)
	l := &BulkLoader{db: db, nextID: 1, nextEvent: 1, seq: map[[2]string]int64{}}
	// Events may exist without dossiers only in a broken database; start past them anyway.
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM dossier_events`).Scan(&l.nextEvent); err != nil {
		return nil, err
	}
	// Maintaining the secondary indexes row by row costs more than
	// building them once at the end (Finish): they are dropped meanwhile.
	var err error
	if l.indexes, err = bulkIndexes(ctx, db); err != nil {
		return nil, err
	}
	for _, ix := range l.indexes {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+indexName(ix)); err != nil {
			return nil, fmt.Errorf("dossier: bulk: %w", err)
		}
	}
	// Checking four references per event row costs more than writing it,
	// and the rows reference what the caller read from this database: the
	// checks are off while loading. On SQLite the writer is one
	// connection, which keeps the setting until Finish; on PostgreSQL they
	// are triggers, skipped by a session in the replica role, which only a
	// superuser may take: others load with the checks, more slowly.
	switch db.Dialect {
	case store.SQLite:
		if _, err := db.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return nil, err
		}
	case store.Postgres:
		if err := db.QueryRowContext(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&l.replica); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// bulkIndexes are the CREATE INDEX statements of the secondary indexes
// of the bulk tables (not those of primary keys and unique constraints).
func bulkIndexes(ctx context.Context, db *store.DB) ([]string, error) {
	q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('dossiers', 'dossier_events', 'dossier_pauses')`
	if db.Dialect == store.Postgres {
		q = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('dossiers', 'dossier_events', 'dossier_pauses', 'dossier_search_rows')
			AND indexname NOT IN (SELECT conname FROM pg_constraint)`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// indexName is the index a CREATE [UNIQUE] INDEX statement creates.
func indexName(create string) string {
	f := strings.Fields(create)
	for i, w := range f {
		if strings.EqualFold(w, "INDEX") && i+1 < len(f) {
			return f[i+1]
		}
	}
	return ""
}

// Rows per INSERT statement: well under both engines' limit on bound
// parameters (SQLite 32,766, PostgreSQL 65,535).
const (
	bulkDossierRows = 200
	bulkEventRows   = 500
	// The columns of bulkDossierCols and bulkEventCols.
	bulkDossierWidth = 36
	bulkEventWidth   = 15
)

const bulkDossierCols = `id, code, procedure_code, procedure_version, receiving_unit_id, unit_id, channel, status, step,
	owner_id, created_by, on_behalf, on_behalf_reason, track_token, applicant_name, applicant_id_number, applicant_phone,
	applicant_email, applicant_address, search, form, delivery, submitted_at, received_at, due_at, step_started_at,
	paused_at, result_at, delivered_at, closed_at, apologized, apology_late, result_refused, supplements, version, updated_at`

const bulkEventCols = `id, dossier_id, at, actor_id, actor_name, actor_role, action, from_status, to_status,
	from_step, to_step, from_unit_id, to_unit_id, due_at, note`

// BulkRows are a batch of dossiers as the values of their rows, ready
// to write (Rows, then Write).
type BulkRows struct {
	dossiers, events, pauses []any // the rows' values, one after another
	n                        int   // dossiers
	first, last              int64 // their ids
}

// Load writes ds, in one transaction: Write(Rows(ds)).
func (l *BulkLoader) Load(ctx context.Context, ds []BulkDossier) error {
	return l.Write(ctx, l.Rows(ds))
}

// Rows turns ds into rows, giving them their ids. It may run on another
// goroutine than Write (one at a time, in the order written) so that
// preparing the next batch overlaps writing this one.
func (l *BulkLoader) Rows(ds []BulkDossier) *BulkRows {
	r := &BulkRows{n: len(ds), dossiers: make([]any, 0, len(ds)*bulkDossierWidth), first: l.nextID, last: l.nextID + int64(len(ds)) - 1}
	for i := range ds {
		d := &ds[i]
		id := l.nextID
		l.nextID++
		r.dossiers = l.appendDossier(r.dossiers, id, d)
		for _, e := range d.Events {
			r.events = append(r.events, l.nextEvent, id, e.At, nullID(e.ActorID), e.ActorName, e.ActorRole, e.Action, string(e.From), string(e.To),
				e.FromStep, e.ToStep, nullID(e.FromUnit), nullID(e.ToUnit), nullID(e.Due), e.Note)
			l.nextEvent++
		}
		for _, p := range d.Pauses {
			r.pauses = append(r.pauses, id, p.Started, nullID(p.Ended), p.Reason, p.Kind, p.EndNote)
		}
	}
	return r
}

// Write writes rows in one transaction.
func (l *BulkLoader) Write(ctx context.Context, r *BulkRows) error {
	if l.db.Dialect == store.Postgres {
		return l.copyRows(ctx, r)
	}
	return l.db.InTx(ctx, func(tx *store.Tx) error {
		if l.db.Dialect == store.Postgres && l.replica {
			// The foreign-key checks are triggers, which a replica session
			// skips (see NewBulkLoader); SET LOCAL ends with the transaction.
			if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
		}
		if err := insertRows(ctx, tx, `INSERT INTO dossiers (`+bulkDossierCols+`) VALUES `, r.dossiers, bulkDossierWidth, bulkDossierRows); err != nil {
			return fmt.Errorf("dossier: bulk dossiers: %w", err)
		}
		if err := insertRows(ctx, tx, `INSERT INTO dossier_events (`+bulkEventCols+`) VALUES `, r.events, bulkEventWidth, bulkEventRows); err != nil {
			return fmt.Errorf("dossier: bulk events: %w", err)
		}
		if err := insertRows(ctx, tx, `INSERT INTO dossier_pauses (dossier_id, started_at, ended_at, reason, kind, end_note) VALUES `,
			r.pauses, 6, bulkEventRows); err != nil {
			return fmt.Errorf("dossier: bulk pauses: %w", err)
		}
		return nil
	})
}

func (l *BulkLoader) appendDossier(row []any, id int64, d *BulkDossier) []any {
	// The code is AGENCY-YYMMDD-NNNN (nextCode): the sequences continue after it.
	if i := strings.LastIndexByte(d.Code, '-'); i > 7 {
		k := [2]string{d.Code[:i-7], d.Code[i-6 : i]}
		var n int64
		fmt.Sscanf(d.Code[i+1:], "%d", &n)
		l.seq[k] = max(l.seq[k], n)
	}
	onBehalf := 0
	if d.OnBehalfReason != "" {
		onBehalf = 1
	}
	a := d.Applicant
	updated := d.SubmittedAt
	if n := len(d.Events); n > 0 {
		updated = d.Events[n-1].At
	}
	return append(row, id, d.Code, d.Procedure, d.ProcedureVersion, d.ReceivingUnit, d.Unit, d.Channel, string(d.Status), d.Step,
		nullID(d.Owner), nullID(d.CreatedBy), onBehalf, d.OnBehalfReason, d.TrackToken, a.Name, a.IDNumber, a.Phone,
		a.Email, a.Address, searchText(d.Code, a), d.Form, d.Delivery, d.SubmittedAt, nullID(d.ReceivedAt), nullID(d.DueAt), nullID(d.StepStartedAt),
		nullID(d.PausedAt), nullID(d.ResultAt), nullID(d.DeliveredAt), nullID(d.ClosedAt), flag(d.Apologized), flag(d.ApologyLate),
		flag(d.ResultRefused), d.Supplements, max(len(d.Events), 1), updated)
}

// Finish builds the indexes dropped by NewBulkLoader again, continues the
// daily code sequences after the loaded codes and, on PostgreSQL, moves
// the id sequences past the ids given, so dossiers filed afterwards
// through the services get fresh codes and ids. Until it has run, the
// database lacks indexes and is no use but to load into.
func (l *BulkLoader) Finish(ctx context.Context) error {
	for _, ix := range l.indexes {
		if _, err := l.db.ExecContext(ctx, ix); err != nil {
			return fmt.Errorf("dossier: bulk: rebuild index: %w", err)
		}
	}
	l.indexes = nil
	if l.db.Dialect == store.SQLite {
		if _, err := l.db.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
			return err
		}
	}
	if l.db.Dialect == store.Postgres {
		for _, t := range append(bulkTables, "dossier_search_rows") {
			if _, err := l.db.ExecContext(ctx, `ANALYZE `+t); err != nil {
				return err
			}
		}
	}
	return l.db.InTx(ctx, func(tx *store.Tx) error {
		for k, n := range l.seq {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)
				ON CONFLICT (prefix, day) DO UPDATE SET n = EXCLUDED.n`, k[0], k[1], n); err != nil {
				return err
			}
		}
		if l.db.Dialect != store.Postgres {
			return nil // SQLite's AUTOINCREMENT follows the largest id inserted
		}
		for _, t := range bulkTables {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), GREATEST((SELECT MAX(id) FROM `+t+`), 1))`); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertRows inserts the rows of width values each in args, with
// statements of per rows each and the rows left over one by one:
// statements of one shape are prepared once.
func insertRows(ctx context.Context, tx *store.Tx, head string, args []any, width, per int) error {
	one := "(" + store.Placeholders(width) + ")"
	full := head + strings.TrimSuffix(strings.Repeat(one+",", per), ",")
	for len(args) > 0 {
		n, q := per*width, full
		if len(args) < n {
			n, q = width, head+one
		}
		if _, err := tx.ExecContext(ctx, q, args[:n]...); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

// nullID is v, or NULL for 0.
func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// searchText is what Submit stores in the search column.
func searchText(code string, a Applicant) string {
	return vntext.Fold(strings.Join([]string{code, a.Name, a.IDNumber, a.Phone}, " "))
}
