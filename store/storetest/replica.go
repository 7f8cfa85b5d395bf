package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
)

// Replica is a PostgreSQL streaming replica of the test server, a cluster
// of its own on a free port, started with pg_basebackup -R and removed
// when the test ends.
type Replica struct {
	dir, data, bin string
	port           int
}

// StartReplica starts a streaming replica of AdminURL's server. It needs
// the server's binaries (/usr/lib/postgresql/<major>/bin), replication
// connections allowed from 127.0.0.1 (.ci/run sets that up), and to run
// as root (the cluster runs as the postgres OS user) or as that user.
// It skips, outside CI, when a piece is missing; with CI=true it fails.
func StartReplica(t testing.TB) *Replica {
	t.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("a streaming replica takes seconds to start: not with -short")
	}
	admin := openAdmin(t)
	var major int
	if err := admin.QueryRow(`SELECT current_setting('server_version_num')::int / 10000`).Scan(&major); err != nil {
		t.Fatal(err)
	}
	bin := fmt.Sprintf("/usr/lib/postgresql/%d/bin", major)
	if _, err := os.Stat(filepath.Join(bin, "pg_ctl")); err != nil {
		missing(t, "PostgreSQL %d server binaries (%v)", major, err)
	}
	var n int
	if err := admin.QueryRow(`SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'host'`).Scan(&n); err != nil || n == 0 {
		missing(t, "a pg_hba.conf line for replication connections (.ci/run adds one): %v", err)
	}
	pg, err := user.Lookup("postgres")
	if err != nil || (os.Geteuid() != 0 && strconv.Itoa(os.Geteuid()) != pg.Uid) {
		missing(t, "to run as root or as postgres to start a cluster (%v)", err)
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)

	// Not t.TempDir: the postgres user must be able to reach it.
	dir, err := os.MkdirTemp("", "motcua-replica-")
	if err != nil {
		t.Fatal(err)
	}
	r := &Replica{dir: dir, data: filepath.Join(dir, "data"), bin: bin, port: freePort(t)}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(AdminURL())
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	r.run(t, "pg_basebackup", "-h", host, "-p", port, "-U", u.User.Username(), "-D", r.data, "-R", "-X", "stream", "-c", "fast", "-N")
	// Debian keeps a cluster's configuration outside its data directory,
	// so the copy has none: the replica gets its own.
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"+
		"hot_standby = on\nshared_buffers = 16MB\nfsync = off\n", r.port, dir)
	// A standby refuses to replay with fewer of these than its primary.
	for _, name := range []string{"max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction"} {
		var v string
		if err := admin.QueryRow(`SELECT current_setting($1)`, name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		conf += name + " = " + v + "\n"
	}
	hba := "local all all trust\nhost all all 127.0.0.1/32 trust\n"
	for name, body := range map[string]string{"postgresql.conf": conf, "pg_hba.conf": hba, "pg_ident.conf": ""} {
		p := filepath.Join(r.data, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chown(p, uid, gid)
	}
	r.run(t, filepath.Join(bin, "pg_ctl"), "-D", r.data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start")
	t.Cleanup(func() { r.Stop(t) })
	return r
}

// missing skips outside CI and fails in it.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI needs "+format, args...)
	}
	t.Skipf("needs "+format, args...)
}

// run runs a command as the postgres OS user (as it is, if already so).
func (r *Replica) run(t testing.TB, name string, args ...string) {
	t.Helper()
	if err := runAsPostgres(name, args...); err != nil {
		log, _ := os.ReadFile(filepath.Join(r.dir, "log"))
		t.Fatalf("%s: %v\n%s", filepath.Base(name), err, log)
	}
}

func runAsPostgres(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// URL is the replica's URL of the named database (the same name as on
// the primary).
func (r *Replica) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", r.port, dbname)
}

// Stop stops the replica at once (the test of reads falling back).
func (r *Replica) Stop(t testing.TB) {
	if _, err := os.Stat(filepath.Join(r.data, "postmaster.pid")); err != nil {
		return
	}
	runAsPostgres(filepath.Join(r.bin, "pg_ctl"), "-D", r.data, "-m", "immediate", "-w", "stop")
}

// Exec runs SQL on the replica's postgres database: pg_wal_replay_pause(),
// pg_wal_replay_resume().
func (r *Replica) Exec(t testing.TB, q string) {
	t.Helper()
	db, err := sql.Open("pgx", r.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("replica: %s: %v", q, err)
	}
}

// CatchUp waits until the replica has replayed everything the primary
// had written when it was called.
func (r *Replica) CatchUp(t testing.TB) {
	t.Helper()
	admin := openAdmin(t)
	var target string
	if err := admin.QueryRow(`SELECT pg_current_wal_insert_lsn()::text`).Scan(&target); err != nil {
		t.Fatal(err)
	}
	want, _ := store.ParseLSN(target)
	db, err := sql.Open("pgx", r.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if db.QueryRow(`SELECT pg_last_wal_replay_lsn()::text`).Scan(&got) == nil {
			if lsn, _ := store.ParseLSN(got); lsn >= want {
				return
			}
		}
	}
	t.Fatalf("replica at %s, not caught up with %s in 30 s", got, target)
}

// MigratedPostgresURL creates a migrated database on the test server (as
// Open does) and returns its URL; it is dropped when the test ends.
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t, true)
}

// openAdmin connects to AdminURL, failing in CI and skipping outside it
// when it does not answer.
func openAdmin(t testing.TB) *sql.DB {
	t.Helper()
	admin, err := sql.Open("pgx", AdminURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		missing(t, "PostgreSQL at %s: %v", AdminURL(), err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin
}

// freePort returns a TCP port on 127.0.0.1 nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
