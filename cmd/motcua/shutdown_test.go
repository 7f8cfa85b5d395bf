package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestStopServing: when serve stops, a request in flight is answered,
// and so is one whose connection the server accepted before the stop but
// whose bytes arrive after it began — net/http's Shutdown alone closes
// that connection unanswered and the client reads EOF — while a new
// connection is refused; then stopServing returns nil.
func TestStopServing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var conns connTracker
	release := make(chan struct{})
	srv := &http.Server{ConnState: conns.hook, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		io.WriteString(w, "answered "+r.URL.Path)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// request sends GET path on c and returns the answer's body, or the error.
	request := func(c net.Conn, path string) (string, error) {
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: motcua\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b), err
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	states := func() (active, fresh int) {
		conns.mu.Lock()
		defer conns.mu.Unlock()
		for _, s := range conns.conns {
			switch s.state {
			case http.StateActive:
				active++
			case http.StateNew:
				fresh++
			}
		}
		return active, fresh
	}
	slow := make(chan string, 1)
	go func() {
		body, err := request(dial(), "/slow")
		slow <- fmt.Sprint(body, err)
	}()
	early := dial()
	waitFor(t, "one request in flight and one connection with nothing sent yet", func() bool {
		a, f := states()
		return a == 1 && f == 1
	})

	stopped := make(chan error, 1)
	go func() { stopped <- stopServing(context.Background(), srv, ln, served, &conns) }()
	waitFor(t, "the listener closed", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return errors.Is(err, syscall.ECONNREFUSED)
	})
	if body, err := request(early, "/early"); err != nil || body != "200 answered /early" {
		t.Errorf("request on the connection accepted before the stop: %q %v", body, err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("stopServing returned (%v) with a request in flight", err)
	default:
	}
	close(release)
	if got := <-slow; got != "200 answered /slow<nil>" {
		t.Errorf("request in flight: %s", got)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("stopServing: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("stopServing did not return within a minute of its last request")
	}
}
