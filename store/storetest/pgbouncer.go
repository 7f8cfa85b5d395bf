package storetest

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// PgBouncer starts PgBouncer in transaction pooling mode in front of the
// test server, on a free port, and returns the URL of the named database
// through it. Every database of the server is reachable by its name. It
// needs the pgbouncer binary (Debian's package; .ci/run installs it) and,
// as root, runs it as the postgres OS user (pgbouncer refuses root).
// Outside CI a missing piece skips; with CI=true it fails.
func PgBouncer(t testing.TB, dbname string) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/pgbouncer"); err != nil {
			missing(t, "pgbouncer (apt-get install pgbouncer): %v", err)
		}
	}
	dir, err := os.MkdirTemp("", "motcua-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	var as *syscall.Credential
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			missing(t, "a postgres OS user to run pgbouncer as: %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		os.Chown(dir, uid, gid)
		as = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	u, _ := url.Parse(AdminURL())
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	listen := freePort(t)
	// Transaction pooling: a server connection belongs to a client only
	// for one transaction (or one statement outside any). The pool is
	// smaller than the clients' so connections really are shared.
	ini := fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = %s
pidfile = %s
`, host, port, listen, filepath.Join(dir, "users.txt"), filepath.Join(dir, "pgbouncer.log"), filepath.Join(dir, "pgbouncer.pid"))
	for name, body := range map[string]string{"pgbouncer.ini": ini, "users.txt": `"` + u.User.Username() + `" ""` + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: as}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(listen))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Fatalf("pgbouncer did not listen on %s: %v\n%s", addr, err, log)
		}
	}
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", u.User.Username(), addr, dbname)
}
