package server_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
)

func containsBytes(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

func newCitizen(name string) auth.NewUser {
	return auth.NewUser{User: auth.User{Username: name, FullName: "Trần Thị Bình", Kind: "citizen"}, Password: demo.Password}
}

type httpCookie = http.Cookie

func newGet(url string) (*http.Request, error) { return http.NewRequest("GET", url, nil) }

func fetch(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
