// Package scan does virus scanning of uploads through ClamAV's clamd.
//
// It speaks clamd's own protocol (see clamd(8)) over a unix socket or TCP:
// zINSTREAM followed by chunks, each prefixed with its length as 4 bytes
// big-endian, ended by a zero-length chunk; clamd answers "stream: OK",
// "stream: <signature> FOUND" or "<reason> ERROR". No ClamAV library is
// linked and nothing is written to disk for clamd to read, so clamd may
// run in another container or as another user.
//
// A scan that could not be done is an error, never a clean result: an
// upload must be refused when clamd is down, not let through.
package scan

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// ErrUnavailable wraps every failure to get an answer from clamd
// (connection refused, timeout, a reply cut short). It is an internal
// error: the HTTP layer shows its generic message and the upload fails.
var ErrUnavailable = errors.New("scan: clamd unavailable")

// ErrTooLarge is returned when the stream exceeds clamd's StreamMaxLength
// (clamd answers "INSTREAM size limit exceeded"). The upload limit
// (--max-file-mb) should stay at or below StreamMaxLength so users never
// meet it; when they do, the file is refused, not stored unscanned.
var ErrTooLarge = problem.New(problem.ErrTooLarge, "file_too_large_to_scan")

// chunkSize is what one INSTREAM chunk carries. clamd accepts any size up
// to StreamMaxLength; 64 KiB keeps the copy buffer small.
const chunkSize = 64 << 10

// Result is what clamd concluded about one stream.
type Result struct {
	Infected bool
	// Signature is the name of the matching signature, e.g.
	// "Win.Test.EICAR_HDB-1", when Infected.
	Signature string
}

// Client talks to one clamd. It holds no connection: each call dials,
// because clamd serves one command per connection unless a session is
// opened, and uploads are rare enough that dialing costs nothing.
type Client struct {
	network, address string
	timeout          time.Duration
}

// New returns a client for clamd at addr: "unix:/run/clamav/clamd.ctl"
// for its local socket or "host:port" for its TCPSocket. timeout bounds
// each call (dial, sending the stream, waiting for the verdict) unless the
// context ends sooner; clamd's own limits apply on its side.
func New(addr string, timeout time.Duration) (*Client, error) {
	c := &Client{timeout: timeout}
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		if path == "" {
			return nil, fmt.Errorf("scan: %q: empty socket path", addr)
		}
		c.network, c.address = "unix", path
	} else {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return nil, fmt.Errorf("scan: %q: want unix:/path or host:port: %w", addr, err)
		}
		c.network, c.address = "tcp", addr
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("scan: timeout must be positive, got %v", timeout)
	}
	return c, nil
}

// String names the clamd the client talks to, for logs.
func (c *Client) String() string { return c.network + ":" + c.address }

// Ping checks that clamd answers (PING → PONG); serve calls it at start so
// a wrong --clamd is logged as an error at once, not found at the first
// upload.
func (c *Client) Ping(ctx context.Context) error {
	reply, err := c.command(ctx, "zPING\x00")
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("%w: PING answered %q", ErrUnavailable, reply)
	}
	return nil
}

// Version returns clamd's version line, e.g.
// "ClamAV 1.4.6/27841/Fri Dec  4 09:30:51 2026" (engine/database/date).
func (c *Client) Version(ctx context.Context) (string, error) {
	return c.command(ctx, "zVERSION\x00")
}

// Scan streams r to clamd and returns its verdict. err is non-nil whenever
// there is no verdict: ErrUnavailable (wrapped) when clamd cannot be
// reached or stops answering, ErrTooLarge past StreamMaxLength, another
// error when clamd reports one (e.g. it failed to read the stream).
func (c *Client) Scan(ctx context.Context, r io.Reader) (Result, error) {
	conn, done, err := c.dial(ctx)
	if err != nil {
		return Result{}, err
	}
	defer done()
	werr := sendStream(conn, r)
	var rerr *readError
	if errors.As(werr, &rerr) {
		return Result{}, fmt.Errorf("scan: read upload: %w", rerr.err)
	}
	// Even when sending failed, clamd may have answered first: it replies
	// and hangs up as soon as the stream passes StreamMaxLength.
	reply, err := readReply(conn)
	if err != nil {
		if werr != nil {
			err = werr
		}
		return Result{}, c.unavailable(ctx, err)
	}
	res, err := parseReply(reply)
	if err == nil && !res.Infected && werr != nil {
		// clamd cannot have seen the whole stream; an OK is not a verdict.
		return Result{}, c.unavailable(ctx, werr)
	}
	return res, err
}

// Check scans r and turns the verdict into what an upload handler needs:
// nil when clean; a problem error when infected (422 file_infected, with
// the signature's name as its parameter, which a user can quote when they
// think it a false alarm); and any failure to scan as an error too, so
// nothing unscanned is stored.
func (c *Client) Check(ctx context.Context, r io.Reader) error {
	res, err := c.Scan(ctx, r)
	if err != nil {
		return err
	}
	if res.Infected {
		return problem.Invalid("file", "file_infected", res.Signature)
	}
	return nil
}

// readError marks a failure reading the upload itself, which is not
// clamd's fault and must not be reported as clamd being down.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// sendStream writes the INSTREAM command, r in length-prefixed chunks and
// the zero-length terminator.
func sendStream(w io.Writer, r io.Reader) error {
	buf := make([]byte, 4+chunkSize)
	copy(buf, "zINSTREAM\x00")
	if _, err := w.Write(buf[:len("zINSTREAM\x00")]); err != nil {
		return err
	}
	for {
		n, err := io.ReadFull(r, buf[4:])
		if n > 0 {
			binary.BigEndian.PutUint32(buf[:4], uint32(n))
			if _, werr := w.Write(buf[:4+n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return &readError{err}
		}
	}
	_, err := w.Write([]byte{0, 0, 0, 0})
	return err
}

// command sends a one-word command and returns clamd's reply.
func (c *Client) command(ctx context.Context, cmd string) (string, error) {
	conn, done, err := c.dial(ctx)
	if err != nil {
		return "", err
	}
	defer done()
	if _, err := io.WriteString(conn, cmd); err != nil {
		return "", c.unavailable(ctx, err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return "", c.unavailable(ctx, err)
	}
	return reply, nil
}

// dial connects and arranges for the connection to give up at the
// timeout or when ctx ends, whichever is first. done closes it.
func (c *Client) dial(ctx context.Context) (net.Conn, func(), error) {
	d := net.Dialer{Timeout: c.timeout}
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return nil, nil, c.unavailable(ctx, err)
	}
	deadline := time.Now().Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, nil, c.unavailable(ctx, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	return conn, func() { stop(); conn.Close() }, nil
}

func (c *Client) unavailable(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return fmt.Errorf("%w (%s): %w", ErrUnavailable, c, err)
}

// maxReply bounds what is read of a reply; clamd's are one short line.
const maxReply = 4 << 10

// readReply reads clamd's answer up to its NUL terminator (z-commands) or
// the end of the connection.
func readReply(r io.Reader) (string, error) {
	buf := make([]byte, 0, 128)
	one := make([]byte, 256)
	for len(buf) < maxReply {
		n, err := r.Read(one)
		buf = append(buf, one[:n]...)
		if i := strings.IndexByte(string(buf), 0); i >= 0 {
			return string(buf[:i]), nil
		}
		if err == io.EOF {
			if len(buf) == 0 {
				return "", io.ErrUnexpectedEOF
			}
			return string(buf), nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("reply longer than %d bytes", maxReply)
}
