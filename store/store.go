// Package store opens motcua's database — embedded SQLite by default,
// PostgreSQL for scale — and owns the few things every table shares:
// migrations, the transaction helper and the SQL dialect. Tables and their
// SQL live in the packages that own them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Config says which database to open: PostgreSQL when URL is set,
// otherwise SQLite in Dir/motcua.db.
type Config struct {
	URL string
	Dir string
	// Replica is a PostgreSQL streaming replica of URL for the reads that
	// tolerate lag (DB.Replica); empty: every read goes to URL.
	Replica string
	// Log hears when the replica becomes unreachable and when it is back.
	Log *slog.Logger
}

// DB is a handle on motcua's database. SQLite allows one writer at a time,
// so writes go through a single connection (transactions start IMMEDIATE,
// which avoids "database is locked" upgrades) while reads use a pool.
// On PostgreSQL both are the same pool, and a replica may take the reads
// that say they tolerate lag (Replica).
type DB struct {
	Dialect Dialect
	w, r    *sql.DB
	replica *replica // nil: none
	// stmts caches prepared statements for SQLite, where parsing SQL costs
	// about a third of a small request (measured: BENCHMARKS.md). pgx
	// already caches statements per connection on PostgreSQL.
	stmts *stmtCache
	// group commits concurrent InTx calls together on SQLite (group.go);
	// nil on PostgreSQL.
	group *group
	// observer hears every statement run in a transaction
	// (ObserveTxStatements); nil almost always.
	observer atomic.Pointer[func(q string)]
	onCommit commitHooks // OnCommit
}

// ObserveTxStatements makes fn hear the text of every statement run
// through a Tx from now on (nil stops it), before it runs. It is how a test
// counts what a request costs the one SQLite writer: a submission's
// statements are issue 15's budget (server's TestSubmissionStatements).
// fn must be safe for concurrent use and quick.
func (db *DB) ObserveTxStatements(fn func(q string)) {
	if fn == nil {
		db.observer.Store(nil)
		return
	}
	db.observer.Store(&fn)
}

// Open opens (and creates, for SQLite) the database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		pool, err := openPostgres(ctx, "--db", cfg.URL)
		if err != nil {
			return nil, err
		}
		db := &DB{Dialect: Postgres, w: pool, r: pool}
		if cfg.Replica != "" {
			// A replica that does not answer at start is no reason not to
			// start: its reads go to the primary until it does.
			rp, err := openPostgres(ctx, "--db-replica", cfg.Replica)
			if err != nil && rp == nil {
				pool.Close()
				return nil, err
			}
			log := cfg.Log
			if log == nil {
				log = slog.New(slog.DiscardHandler)
			}
			db.replica = &replica{pool: rp, dialect: Postgres, log: log}
			if err != nil {
				db.replica.failed(err)
			}
		}
		return db, nil
	}
	if cfg.Replica != "" {
		return nil, errors.New("store: --db-replica needs --db (a PostgreSQL primary)")
	}
	if cfg.Dir == "" {
		cfg.Dir = "data"
	}
	// The database holds a district's ID numbers and addresses: the
	// directory and files are the service account's alone.
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(cfg.Dir, "motcua.db")
	if err := privateFiles(path); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", SQLiteDSN(path, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", SQLiteDSN(path, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := &DB{Dialect: SQLite, w: w, r: r, stmts: newStmtCache()}
	db.group = newGroup(db)
	return db, nil
}

// SQLiteDSN is the data source name Open uses for the SQLite file at
// path: the writer's (transactions start IMMEDIATE) or the readers'
// (query only). Every SQLite pragma motcua relies on is set here and
// nowhere else. Exported for the raw floor the benchmarks measure beside
// motcua's own writes (BENCHMARKS.md).
//
// The writer keeps its temporary files in memory (temp_store): above all
// the statement journal, where every page a group commit's call changes
// inside its SAVEPOINT is copied first. On disk it spilled past 64 KiB to
// a temporary file written with pwrite: measured at a third of the
// writer's time per submission (BENCHMARKS.md, "Statement journal in
// memory"). The writer's statements are small; the readers, whose reports
// may sort and group millions of rows, keep the default (files), and
// sorts spill to files on both.
func SQLiteDSN(path string, writer bool) string {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	if writer {
		return dsn + "&_txlock=immediate&_pragma=temp_store(MEMORY)"
	}
	return dsn + "&_pragma=query_only(1)"
}

// openPostgres opens a pool on url and pings it. A ping that fails
// returns the pool with the error.
//
// pgx's default runs each statement as a named prepared statement, cached
// per connection. Behind PgBouncer in transaction mode before 1.21 that
// breaks (a statement prepared on one server connection is executed on
// another): such a URL says default_query_exec_mode=cache_describe, which
// pgx reads from it. It is not the default because parsing every time
// doubles a small read's cost (docs/scale-out.md, measured).
func openPostgres(ctx context.Context, flag, u string) (*sql.DB, error) {
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return nil, fmt.Errorf("store: %s must be a postgres:// URL", flag)
	}
	pool, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", flag, err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	if err := pool.PingContext(ctx); err != nil {
		if flag == "--db" {
			pool.Close()
			return nil, fmt.Errorf("store: connect to PostgreSQL: %w", err)
		}
		return pool, fmt.Errorf("store: connect to the %s PostgreSQL: %w", flag, err)
	}
	return pool, nil
}

// privateFiles creates the database file 0600 before SQLite opens it
// (SQLite creates its -wal and -shm files with the database's mode) and
// tightens files an older version left readable to others.
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.close()
	}
	db.stmts.close()
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if db.replica != nil {
		err = errors.Join(err, db.replica.pool.Close())
	}
	return err
}

// Querier is what both *DB (reads) and *Tx offer; owners of tables write
// their SQL once against it with "?" placeholders.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ExecContext runs a statement outside a transaction (on the writer).
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	defer func() {
		if err == nil {
			markWrote(ctx)
		}
	}()
	if st := db.stmts.get(ctx, db.w, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.w.ExecContext(ctx, db.Dialect.Rebind(q), args...)
}

// QueryContext reads from the read pool.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.stmts.get(ctx, db.r, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.Dialect.Rebind(q), args...)
}

// WriteRowContext runs a statement that writes and returns a row
// (INSERT … RETURNING) outside any transaction, on the writer: on
// PostgreSQL it commits by itself, so the row locks it takes last for
// this statement alone. The row's error, if any, comes with its Scan.
func (db *DB) WriteRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	markWrote(ctx)
	if st := db.stmts.get(ctx, db.w, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.w.QueryRowContext(ctx, db.Dialect.Rebind(q), args...)
}

// WriteRowAsyncCommitContext runs a statement that writes and returns a
// row (INSERT … RETURNING) in a transaction of its own, scanned into dest,
// whose COMMIT does not wait for its WAL to reach the disk: on PostgreSQL
// synchronous_commit is off for that transaction alone, so its row locks
// go at once and the caller pays no flush of its own. (SQLite in WAL mode
// with synchronous=NORMAL does not flush at COMMIT anyway: the statement
// runs as WriteRowContext does.)
//
// Only for a row that a crash may lose harmlessly: a counter whose value
// is recorded by a later, synchronously committed transaction. Its commit
// record precedes that transaction's in the WAL, and flushing a commit
// flushes everything before it; so whenever the value is durably in use,
// its counter is durably past it, and a value a crash takes back was never
// durably used (dossier.nextCode).
func (db *DB) WriteRowAsyncCommitContext(ctx context.Context, q string, args []any, dest ...any) error {
	if db.Dialect != Postgres {
		return db.WriteRowContext(ctx, q, args...).Scan(dest...)
	}
	markWrote(ctx)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, db.Dialect.Rebind(q), args...).Scan(dest...); err != nil {
		return err
	}
	return tx.Commit()
}

// QueryRowContext reads one row from the read pool.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.stmts.get(ctx, db.r, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.Dialect.Rebind(q), args...)
}

// Ping checks the database answers (for /healthz).
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Tx is a transaction whose statements use "?" placeholders.
type Tx struct {
	tx *sql.Tx
	db *DB
	// grouped: the transaction is a group commit's, shared with other
	// calls (see stmtContext).
	grouped bool
	// beforeCommit is the work of the current InTx call added by
	// BeforeCommit, run in order once its fn has succeeded.
	beforeCommit []func() error
	// afterCommit is the work of the current InTx call added by
	// AfterCommit, run once its commit is durable.
	afterCommit []func()
}

// BeforeCommit adds work that runs just before the transaction commits:
// after the InTx fn has returned nil, in the order added, inside the same
// transaction (on SQLite inside the call's savepoint, so a group
// commit's call keeps its own work and loses only its own). An error
// rolls the call back as fn's would; work added meanwhile runs too.
//
// It is for a write that takes a lock every transaction wants — a hash
// chain's head, a global sequence ordered by commit: taken here, the lock
// is held from a few statements before COMMIT instead of for the rest of
// the transaction (on PostgreSQL; SQLite has one writer anyway). Such work
// must not be read back by the rest of fn, which runs before it.
func (t *Tx) BeforeCommit(work func() error) {
	t.beforeCommit = append(t.beforeCommit, work)
}

// AfterCommit adds work that runs once the transaction has committed and
// the commit is durable: in the InTx caller's goroutine, in the order
// added, before InTx returns, outside any transaction. It does not run
// when the call fails or is rolled back (on SQLite: when the call's
// savepoint or the group's COMMIT fails).
//
// It is for a step that must follow the commit and must not be part of
// it, as numbering committed rows in commit order is (webhook events on
// PostgreSQL): the work does its own I/O, and its failure cannot undo the
// transaction, so work that must happen eventually needs a second path
// (a worker) besides this one.
func (t *Tx) AfterCommit(work func()) {
	t.afterCommit = append(t.afterCommit, work)
}

// runBeforeCommit runs the work BeforeCommit added and forgets it.
func (t *Tx) runBeforeCommit() error {
	defer func() { t.beforeCommit = nil }()
	for i := 0; i < len(t.beforeCommit); i++ { // work may add work
		if err := t.beforeCommit[i](); err != nil {
			return err
		}
	}
	return nil
}

// stmt returns the cached statement bound to this transaction, or nil.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if fn := t.db.observer.Load(); fn != nil {
		(*fn)(q)
	}
	if st := t.db.stmts.inTx(t.db.w, q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	return nil
}

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.stmtContext(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.Dialect.Rebind(q), args...)
}

func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.stmtContext(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.Dialect.Rebind(q), args...)
}

func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.stmtContext(ctx)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.db.Dialect.Rebind(q), args...)
}

// InTx runs fn in one transaction, committing if fn returns nil, and
// returns only once that commit is durable (or has failed).
//
// On SQLite concurrent calls share a transaction (group commit, group.go):
// fn runs in its own SAVEPOINT, so its failure undoes only its work, but
// it sees the uncommitted work of the calls before it in the batch, and a
// failed COMMIT fails every call of the batch. fn must not call InTx
// itself (on SQLite it never could: the writer has one connection), and
// should not wait on anything slow: the calls behind it wait too.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.group != nil {
		return db.group.do(ctx, false, fn)
	}
	return db.inOwnTx(ctx, fn)
}

// InTxAlone is InTx in a transaction no other call shares: on SQLite the
// batch in progress commits before fn starts, and none joins after it.
// It is for an fn that reads through the pool (DB.QueryContext, Replica)
// what it then writes in tx, as a rebuild from the history does: in a
// shared batch that read would miss the uncommitted work of the calls
// before it, which tx sees and fn would overwrite. It is also for an fn
// that may change many rows (a migration, a reorganisation), whose
// statement journal goes to a file (group.batch). On PostgreSQL it is
// InTx.
func (db *DB) InTxAlone(ctx context.Context, fn func(tx *Tx) error) error {
	if db.group != nil {
		return db.group.do(ctx, true, fn)
	}
	return db.inOwnTx(ctx, fn)
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
