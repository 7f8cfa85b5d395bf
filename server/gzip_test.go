package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store/storetest"
)

func TestCompression(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	tr := &http.Transport{DisableCompression: true} // see the bytes as sent
	get := func(path, enc string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	plainResp, plain := get("/", "")
	if plainResp.Header.Get("Content-Encoding") != "" {
		t.Fatal("compressed without Accept-Encoding")
	}
	resp, zipped := get("/", "gzip, br")
	if resp.Header.Get("Content-Encoding") != "gzip" || len(zipped)*3 > len(plain) {
		t.Fatalf("home: encoding %q, %d bytes gzipped vs %d plain", resp.Header.Get("Content-Encoding"), len(zipped), len(plain))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(zr)
	if string(back) != string(plain) {
		t.Fatal("gzip round trip differs")
	}
	// JSON too; and the 204 of a token revocation stays empty.
	resp, _ = get("/api/v1/procedures", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("API JSON not compressed")
	}
	// A short body goes plain, with its length: gzip would not shrink it,
	// and resetting the writer cost more than the handler.
	resp, short := get("/healthz", "gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || len(short) == 0 || len(short) >= 1024 ||
		resp.Header.Get("Content-Length") != strconv.Itoa(len(short)) {
		t.Fatalf("healthz: %d, encoding %q, length header %q, %d bytes", resp.StatusCode,
			resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"), len(short))
	}
	// Refusals are not: each would hold a gzip writer (about 0.8 MB), and a
	// storm of refused logins comes all at once.
	if resp, _ = get("/api/v1/nope", "gzip"); resp.StatusCode != 404 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("error reply: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
}

// TestCompressionBoundary writes bodies around the threshold in pieces,
// and a handler that flushes before its body is long: every body comes
// back whole, gzipped exactly when it reaches 1,024 bytes or is flushed.
func TestCompressionBoundary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		pieces  []int
		flush   bool
		status  int
		gzipped bool
	}{
		{"empty 201", nil, false, 201, false},
		{"one short write", []int{1023}, false, 200, false},
		{"short in pieces", []int{500, 500, 23}, false, 200, false},
		{"exactly the threshold", []int{1024}, false, 200, true},
		{"crosses it in pieces", []int{1000, 30, 4000}, false, 200, true},
		{"flushed while short", []int{10, 10}, true, 200, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want strings.Builder
			h := server.Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				for i, n := range c.pieces {
					piece := strings.Repeat(string(rune('a'+i)), n)
					want.WriteString(piece)
					w.Write([]byte(piece))
					if c.flush {
						http.NewResponseController(w).Flush()
					}
				}
			}))
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d", rec.Code, c.status)
			}
			body := rec.Body.Bytes()
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != c.gzipped {
				t.Fatalf("gzipped %v, want %v", got, c.gzipped)
			}
			if c.gzipped {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			} else if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(want.Len()) {
				t.Fatalf("Content-Length %q for %d bytes", cl, want.Len())
			}
			if string(body) != want.String() {
				t.Fatalf("body of %d bytes, want %d", len(body), want.Len())
			}
			if c.flush && !rec.Flushed {
				t.Fatal("the flush did not reach the connection")
			}
		})
	}
}
