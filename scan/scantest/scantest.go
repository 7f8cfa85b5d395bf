// Package scantest starts a real clamd for tests, with a tiny signature
// database the test writes itself: the EICAR test file and one made-up
// signature, so nothing is downloaded and freshclam never runs.
//
// Without clamd installed (Debian: clamav-daemon) the test is skipped;
// with CI=true it fails instead, so CI cannot silently stop scanning.
package scantest

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/scan"
)

// EICAR is the industry's harmless test file: every scanner reports it.
const EICAR = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// Custom is a made-up pattern matched by the test database's own
// signature, proving the database is the one the test wrote.
const Custom = "MOTCUA-TEST-MALWARE-PATTERN-7f3a9c"

// Signature names as clamd reports them: the test database's names with
// the ".UNOFFICIAL" clamd appends to every signature not signed by Cisco.
const (
	EICARSignature  = eicarName + ".UNOFFICIAL"
	CustomSignature = customName + ".UNOFFICIAL"
)

const (
	eicarName  = "Motcua.Test.EICAR"
	customName = "Motcua.Test.Custom"
)

// StreamMaxLength is the clamd's limit on one INSTREAM, kept small so the
// size error is cheap to provoke.
const StreamMaxLength = 2 << 20

// Clamd is a running clamd.
type Clamd struct {
	// Unix and TCP are its two addresses in scan.New's form.
	Unix, TCP string

	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

// Binary is clamd's path: $MOTCUA_CLAMD_BIN, clamd on PATH, or Debian's
// /usr/sbin/clamd (not on an ordinary user's PATH). "" when absent.
func Binary() string {
	if p := os.Getenv("MOTCUA_CLAMD_BIN"); p != "" {
		return p
	}
	if p, err := exec.LookPath("clamd"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/clamd"); err == nil {
		return "/usr/sbin/clamd"
	}
	return ""
}

// Start runs clamd with the test database until the test ends and waits
// until it answers PING on both sockets.
func Start(t testing.TB) *Clamd {
	t.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("clamd is required in CI (apt-get install clamav-daemon)")
		}
		t.Skip("clamd not installed (clamav-daemon); set CI=true to make this a failure")
	}
	// A short directory: a unix socket path must fit in 108 bytes, which
	// t.TempDir (named after the test) may not.
	dir, err := os.MkdirTemp("", "clamd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := writeDatabase(dir); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "clamd.conf")
	if err := os.WriteFile(conf, []byte(config(dir, port)), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Clamd{
		Unix: "unix:" + filepath.Join(dir, "clamd.sock"),
		TCP:  net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		cmd:  exec.Command(bin, "--config-file="+conf),
		out:  &syncBuffer{},
	}
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start clamd: %v", err)
	}
	c.exited = make(chan struct{})
	go func() { c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(c.Stop)
	for _, addr := range []string{c.Unix, c.TCP} {
		if err := waitPing(addr, c.exited); err != nil {
			t.Fatalf("clamd at %s: %v\nclamd output:\n%s", addr, err, c.out.String())
		}
	}
	return c
}

// Stop ends clamd and waits for it to exit. Start arranges it at the end
// of the test; calling it earlier tests a clamd that is down.
func (c *Clamd) Stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

// writeDatabase writes test.ndb: body-based signatures (target type 0,
// any offset) whose hex patterns are the two test strings.
func writeDatabase(dir string) error {
	ndb := fmt.Sprintf("%s:0:*:%s\n%s:0:*:%s\n",
		eicarName, hex.EncodeToString([]byte(EICAR)),
		customName, hex.EncodeToString([]byte(Custom)))
	return os.WriteFile(filepath.Join(dir, "test.ndb"), []byte(ndb), 0o600)
}

func config(dir string, port int) string {
	return fmt.Sprintf(`Foreground yes
DatabaseDirectory %[1]s
TemporaryDirectory %[1]s
LocalSocket %[1]s/clamd.sock
TCPSocket %[2]d
TCPAddr 127.0.0.1
StreamMaxLength %[3]d
MaxThreads 4
Bytecode no
SelfCheck 0
`, dir, port, StreamMaxLength)
}

// freePort finds a TCP port nobody listens on. Another process could take
// it before clamd does; Start then fails loudly, not silently.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitPing polls until clamd answers PING (loading even a tiny database
// takes a moment), clamd exits, or 60 s pass.
func waitPing(addr string, exited <-chan struct{}) error {
	c, err := scan.New(addr, time.Second)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := c.Ping(context.Background())
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("clamd exited: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// syncBuffer collects clamd's output from two goroutines (stdout, stderr).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
