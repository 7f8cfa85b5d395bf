package scan_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/scan"
	"github.com/motcua/motcua/scan/scantest"
)

// A real clamd with the test's own database, reached over both of its
// sockets, gives the verdicts an upload handler relies on.
func TestScanRealClamd(t *testing.T) {
	clamd := scantest.Start(t)
	ctx := context.Background()
	// A file of many chunks with the pattern straddling a chunk boundary
	// (chunks are 64 KiB): clamd must see the stream as one.
	straddle := append(bytes.Repeat([]byte{'a'}, 64<<10-10), scantest.Custom...)
	straddle = append(straddle, bytes.Repeat([]byte{'b'}, 100<<10)...)
	cases := []struct {
		name      string
		body      []byte
		signature string // "" = clean
	}{
		{"clean text", []byte("Đơn đề nghị cấp bản sao trích lục khai sinh"), ""},
		{"clean, several chunks", bytes.Repeat([]byte("%PDF-1.7 clean "), 20000), ""},
		{"empty", nil, ""},
		{"EICAR", []byte(scantest.EICAR), scantest.EICARSignature},
		{"EICAR inside a file", append([]byte("%PDF-1.4\n"), scantest.EICAR...), scantest.EICARSignature},
		{"custom signature", []byte("xx " + scantest.Custom + " yy"), scantest.CustomSignature},
		{"custom across chunks", straddle, scantest.CustomSignature},
	}
	for _, addr := range []string{clamd.Unix, clamd.TCP} {
		c, err := scan.New(addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Ping(ctx); err != nil {
			t.Fatalf("%s: ping: %v", addr, err)
		}
		if v, err := c.Version(ctx); err != nil || !strings.HasPrefix(v, "ClamAV ") {
			t.Errorf("%s: version = %q, %v", addr, v, err)
		}
		for _, tc := range cases {
			t.Run(addr+"/"+tc.name, func(t *testing.T) {
				res, err := c.Scan(ctx, bytes.NewReader(tc.body))
				if err != nil {
					t.Fatal(err)
				}
				want := scan.Result{Infected: tc.signature != "", Signature: tc.signature}
				if res != want {
					t.Fatalf("got %+v, want %+v", res, want)
				}
				// Check is what uploads call: infected is a 422 with a
				// stable code, clean is nil.
				err = c.Check(ctx, bytes.NewReader(tc.body))
				if tc.signature == "" {
					if err != nil {
						t.Fatalf("Check: %v", err)
					}
					return
				}
				var pe *problem.Error
				if !errors.As(err, &pe) || pe.Code != "file_infected" || pe.Field != "file" || !errors.Is(err, problem.ErrInvalid) {
					t.Fatalf("Check = %v, want problem file_infected on field file", err)
				}
				// The user is told which signature matched, in their language.
				for _, lang := range msg.Languages {
					if m := msg.Default().Error(lang, err); !strings.Contains(m, tc.signature) {
						t.Errorf("%s message %q does not name %s", lang, m, tc.signature)
					}
				}
			})
		}
		t.Run(addr+"/over StreamMaxLength", func(t *testing.T) {
			big := bytes.Repeat([]byte{'z'}, scantest.StreamMaxLength+1<<20)
			res, err := c.Scan(ctx, bytes.NewReader(big))
			if !errors.Is(err, scan.ErrTooLarge) || !errors.Is(err, problem.ErrTooLarge) {
				t.Fatalf("got %+v, %v; want ErrTooLarge", res, err)
			}
			if err := c.Check(ctx, bytes.NewReader(big)); !errors.Is(err, scan.ErrTooLarge) {
				t.Fatalf("Check = %v, want ErrTooLarge", err)
			}
		})
	}
	// Concurrent uploads each get their own verdict.
	c, _ := scan.New(clamd.TCP, 10*time.Second)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			body, want := []byte("clean"), scan.Result{}
			if i%2 == 1 {
				body, want = []byte(scantest.EICAR), scan.Result{Infected: true, Signature: scantest.EICARSignature}
			}
			res, err := c.Scan(ctx, bytes.NewReader(body))
			if err == nil && res != want {
				err = errors.New("wrong verdict " + res.Signature)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// A clamd that is down is an error, never a clean verdict: the upload must
// fail rather than be stored unscanned.
func TestScanClamdDown(t *testing.T) {
	clamd := scantest.Start(t)
	clamd.Stop()
	for _, addr := range []string{clamd.Unix, clamd.TCP} {
		c, err := scan.New(addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Scan(context.Background(), strings.NewReader(scantest.EICAR))
		if !errors.Is(err, scan.ErrUnavailable) {
			t.Errorf("%s: Scan = %+v, %v; want ErrUnavailable", addr, res, err)
		}
		if err := c.Check(context.Background(), strings.NewReader("clean")); err == nil {
			t.Errorf("%s: Check passed a file with clamd down", addr)
		}
		if err := c.Ping(context.Background()); !errors.Is(err, scan.ErrUnavailable) {
			t.Errorf("%s: Ping = %v; want ErrUnavailable", addr, err)
		}
	}
}

// A clamd that accepts but never answers is cut off by the timeout, and
// by the context when that ends first.
func TestScanSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, conn); conn.Close() }()
		}
	}()
	c, err := scan.New(l.Addr().String(), 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Scan(context.Background(), strings.NewReader("x")); !errors.Is(err, scan.ErrUnavailable) {
		t.Errorf("Scan = %v; want ErrUnavailable after the timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	slow, _ := scan.New(l.Addr().String(), time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := slow.Scan(ctx, strings.NewReader("x")); !errors.Is(err, scan.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("Scan with a cancelled context = %v", err)
	}
}

// A failure reading the upload is reported as such, not as clamd down.
func TestScanReadError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		if conn, err := l.Accept(); err == nil {
			io.Copy(io.Discard, conn)
			conn.Close()
		}
	}()
	c, _ := scan.New(l.Addr().String(), 5*time.Second)
	boom := errors.New("client went away")
	_, err = c.Scan(context.Background(), io.MultiReader(strings.NewReader("abc"), errReader{boom}))
	if !errors.Is(err, boom) || errors.Is(err, scan.ErrUnavailable) {
		t.Errorf("Scan = %v; want the read error", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestNewAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"unix:/run/clamav/clamd.ctl", true},
		{"127.0.0.1:3310", true},
		{"clamd:3310", true},
		{"[::1]:3310", true},
		{"unix:", false},
		{"/run/clamav/clamd.ctl", false},
		{"clamd", false},
		{"", false},
	} {
		_, err := scan.New(tc.addr, time.Second)
		if (err == nil) != tc.ok {
			t.Errorf("New(%q) error = %v, want ok=%v", tc.addr, err, tc.ok)
		}
	}
	if _, err := scan.New("127.0.0.1:3310", 0); err == nil {
		t.Error("New accepted a zero timeout")
	}
}

// Nothing listening (clamd not started, wrong --clamd) is ErrUnavailable
// too; this runs without clamd installed.
func TestScanNothingListening(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, a := range []string{addr, "unix:" + t.TempDir() + "/none.sock"} {
		c, err := scan.New(a, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := c.Scan(context.Background(), strings.NewReader("clean")); !errors.Is(err, scan.ErrUnavailable) {
			t.Errorf("%s: Scan = %+v, %v; want ErrUnavailable", a, res, err)
		}
	}
}
