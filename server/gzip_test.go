package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

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
	// Refusals are not: each would hold a gzip writer (about 0.8 MB), and a
	// storm of refused logins comes all at once.
	if resp, _ = get("/api/v1/nope", "gzip"); resp.StatusCode != 404 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("error reply: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
}
