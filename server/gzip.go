package server

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// minCompressed is the smallest body worth gzipping. Below it the gzip
// header and trailer (18 bytes) and the Huffman tables eat most of the
// saving, one TCP segment carries the body either way, and the writer's
// reset (zeroing about 640 KB of hash tables at this level) cost more than
// the handler: 13 % of the server's CPU under a load of pings, a third of
// all the middleware's (BENCHMARKS.md, "Tracking against the HTTP
// ceiling"). nginx's gzip_min_length plays the same part.
const minCompressed = 1024

// compress gzips text responses (HTML, CSS, JavaScript, JSON, SVG) for
// clients that accept it: on a slow rural line the catalog's HTML shrinks
// to about a fifth. Binary files (PDF, images) pass through untouched, so
// range requests on them keep working. A body shorter than minCompressed
// goes plain: the writer holds the status and the first bytes until it
// knows which.
func compress(next http.Handler) http.Handler {
	pool := sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		gw := &gzipWriter{ResponseWriter: w, pool: &pool}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	pool    *sync.Pool
	gz      *gzip.Writer
	decided bool // WriteHeader has been called (by the handler or by Write)
	held    bool // compressible: the status and body wait in code and buf
	code    int
	buf     []byte
}

func compressible(ct string) bool {
	for _, p := range []string{"text/", "application/json", "application/javascript", "image/svg+xml"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		g.ResponseWriter.WriteHeader(code) // net/http reports the superfluous call
		return
	}
	g.decided = true
	h := g.Header()
	// Refusals (4xx, 5xx) are small and may come a thousand at once
	// under attack: a gzip writer each (≈0.8 MB at this level) cost a
	// storm of 1,000 refused logins 200 MB (BENCHMARKS.md).
	if code < 400 && code != http.StatusNoContent && code != http.StatusNotModified && h.Get("Content-Encoding") == "" &&
		h.Get("Content-Range") == "" && compressible(h.Get("Content-Type")) && !knownShort(h) {
		g.held, g.code = true, code
		return
	}
	g.ResponseWriter.WriteHeader(code)
}

// knownShort tells a body the handler declared shorter than minCompressed.
func knownShort(h http.Header) bool {
	n, err := strconv.Atoi(h.Get("Content-Length"))
	return err == nil && n < minCompressed
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.held {
		if len(g.buf)+len(b) < minCompressed {
			g.buf = append(g.buf, b...)
			return len(b), nil
		}
		if err := g.startGzip(); err != nil {
			return 0, err
		}
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// startGzip sends the held status with Content-Encoding: gzip and the
// held bytes through a pooled writer.
func (g *gzipWriter) startGzip() error {
	g.held = false
	h := g.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	g.ResponseWriter.WriteHeader(g.code)
	g.gz = g.pool.Get().(*gzip.Writer)
	g.gz.Reset(g.ResponseWriter)
	_, err := g.gz.Write(g.buf)
	g.buf = nil
	return err
}

// Flush sends what is held: a handler that flushes streams, so its body
// is not known to be short.
func (g *gzipWriter) Flush() {
	if g.held {
		g.startGzip()
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	http.NewResponseController(g.ResponseWriter).Flush()
}

func (g *gzipWriter) close() {
	if g.held { // the whole body was short: it goes plain
		g.held = false
		g.Header().Set("Content-Length", strconv.Itoa(len(g.buf)))
		g.ResponseWriter.WriteHeader(g.code)
		g.ResponseWriter.Write(g.buf)
		return
	}
	if g.gz != nil {
		g.gz.Close()
		g.pool.Put(g.gz)
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
