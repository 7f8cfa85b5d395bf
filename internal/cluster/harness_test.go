package cluster

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// build compiles cmd/motcua into dir and returns the binary's path.
func build(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "motcua")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go") // the toolchain running this test
	}
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/motcua")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// instance is one `motcua serve` process.
type instance struct {
	name string
	addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's, once done is closed
	log  *os.File
}

func (i *instance) url() string { return "http://" + i.addr }

// start runs motcua serve with args, its output in a file of dir, and
// waits for /healthz; it is killed when the test ends if still running.
func start(t *testing.T, bin, dir, name string, args ...string) *instance {
	t.Helper()
	i := &instance{name: name, addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), done: make(chan struct{})}
	data := filepath.Join(dir, name)
	var err error
	if i.log, err = os.Create(filepath.Join(dir, name+".log")); err != nil {
		t.Fatal(err)
	}
	i.cmd = exec.Command(bin, append([]string{"serve", "--addr", i.addr, "--data", data}, args...)...)
	i.cmd.Stdout, i.cmd.Stderr = i.log, i.log
	i.cmd.Env = append(os.Environ(), "MOTCUA_LOG_LEVEL=warn")
	if err := i.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { i.err = i.cmd.Wait(); close(i.done) }()
	t.Cleanup(func() {
		i.cmd.Process.Kill()
		<-i.done
		if t.Failed() {
			b, _ := os.ReadFile(i.log.Name())
			t.Logf("%s's output (last 3000 bytes):\n%s", name, tail(b, 3000))
		}
	})
	waitHealthy(t, i.url(), i.done, 60*time.Second)
	return i
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// waitHealthy polls url/healthz until it answers 200.
func waitHealthy(t *testing.T, url string, died <-chan struct{}, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-died:
			t.Fatalf("%s exited before it was healthy", url)
		default:
		}
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not healthy within %v", url, within)
}

// stop sends sig and waits up to within for the process to exit; it
// returns how it exited.
func (i *instance) stop(sig syscall.Signal, within time.Duration) error {
	if err := i.cmd.Process.Signal(sig); err != nil {
		return err
	}
	select {
	case <-i.done:
		return i.err
	case <-time.After(within):
		return fmt.Errorf("%s still running %v after %v", i.name, within, sig)
	}
}

// haproxy is the load balancer, with its request log by test id.
type haproxy struct {
	url  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	byID map[string]logLine
	raw  []string // lines not of a request
}

// logLine is what HAProxy logged of one request: the server it went to
// ("<NOSRV>" when none), the status and the termination state.
type logLine struct{ server, status, term string }

// haproxyConfig is the configuration docs/scale-out.md shows, on test
// ports: round robin, /healthz checked every 300 ms, a refused connection
// retried on another server (never a request already sent), and each
// request logged with its X-Test-Id, server, status and termination state.
func haproxyConfig(port int, servers []*instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
  log stdout format raw local0
  maxconn 500
defaults
  mode http
  log global
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 1s
  retries 3
  option redispatch 1
  option http-server-close
frontend motcua
  bind 127.0.0.1:%d
  http-request capture req.hdr(X-Test-Id) len 64
  log-format "req %%[capture.req.hdr(0)] %%s %%ST %%tsc"
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  default-server check inter 300ms fall 2 rise 1
`, port)
	for _, s := range servers {
		fmt.Fprintf(&b, "  server %s %s\n", s.name, s.addr)
	}
	return b.String()
}

// startHAProxyOn runs haproxy in the foreground on port, in front of
// servers.
func startHAProxyOn(t *testing.T, bin, dir string, port int, servers []*instance) *haproxy {
	t.Helper()
	cfg := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(haproxyConfig(port, servers)), 0o600); err != nil {
		t.Fatal(err)
	}
	h := &haproxy{url: fmt.Sprintf("http://127.0.0.1:%d", port), byID: map[string]logLine{}}
	h.cmd = exec.Command(bin, "-f", cfg, "-db")
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	h.cmd.Stderr = &stderr
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read := make(chan struct{})
	go func() { h.read(out); close(read) }()
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		h.cmd.Wait()
		<-read
		if t.Failed() {
			t.Logf("haproxy's stderr:\n%s\nits other log lines:\n%s", stderr.String(), strings.Join(h.raw, "\n"))
		}
	})
	waitHealthy(t, h.url, nil, 10*time.Second)
	return h
}

func (h *haproxy) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		h.mu.Lock()
		if len(f) == 5 && f[0] == "req" && f[1] != "-" {
			h.byID[f[1]] = logLine{server: f[2], status: f[3], term: f[4]}
		} else {
			h.raw = append(h.raw, sc.Text())
		}
		h.mu.Unlock()
	}
}

// line returns what HAProxy logged of request id, waiting briefly for the
// log to catch up.
func (h *haproxy) line(id string) (logLine, bool) {
	for range 20 {
		h.mu.Lock()
		l, ok := h.byID[id]
		h.mu.Unlock()
		if ok {
			return l, true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return logLine{}, false
}

// findTool returns the path of a tool installed by Debian in /usr/sbin
// (not always on a user's PATH), or "".
func findTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := "/usr/sbin/" + name; fileExists(p) {
		return p
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
