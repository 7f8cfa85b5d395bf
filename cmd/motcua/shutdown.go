package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// newConnGrace is how long a connection that has sent nothing yet is
// waited for at shutdown; net/http's Shutdown counts such a connection as
// idle after the same 5 seconds.
const newConnGrace = 5 * time.Second

// connTracker follows the server's connections (http.Server.ConnState):
// at shutdown, serve waits until none has a request in flight or on its
// way before net/http's Shutdown, which would close, unanswered, a
// connection accepted before the signal whose request it reads after
// (the client sees EOF: TestGracefulRestartUnderLoad caught it under load).
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]connSeen
}

type connSeen struct {
	state http.ConnState
	since time.Time
}

// hook is the server's ConnState.
func (c *connTracker) hook(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conns == nil {
		c.conns = map[net.Conn]connSeen{}
	}
	switch s {
	case http.StateClosed, http.StateHijacked:
		delete(c.conns, conn)
	default:
		c.conns[conn] = connSeen{s, time.Now()}
	}
}

// busy counts the connections with a request being answered, or
// accepted less than newConnGrace ago with their first still to come.
func (c *connTracker) busy(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.conns {
		if s.state == http.StateActive || s.state == http.StateNew && now.Sub(s.since) < newConnGrace {
			n++
		}
	}
	return n
}

// stopServing ends srv, which serves ln (served receives what Serve
// returned), without leaving a request it accepted unanswered: no more
// keep-alive, the listener closed (new connections are refused), then
// every connection's request answered — those in flight and those whose
// bytes were still on the way — and only then Shutdown, which finds
// nothing left to cut. ctx bounds the whole wait.
func stopServing(ctx context.Context, srv *http.Server, ln net.Listener, served <-chan error, conns *connTracker) error {
	srv.SetKeepAlivesEnabled(false)
	if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	// Serve has returned: every connection it accepted is in conns
	// (net/http sets StateNew before Serve can return).
	if err := <-served; !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for conns.busy(time.Now()) > 0 {
		select {
		case <-ctx.Done():
			return srv.Shutdown(ctx)
		case <-tick.C:
		}
	}
	return srv.Shutdown(ctx)
}
