package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Input limits of issue 8: finding 9 (no length limit on applicant.address
// in the API) and the limit items of finding 12 (numbers without ranges,
// 422 for an oversized body, trailing bytes accepted, unknown filter
// values ignored, an Idempotency-Key reused with another body).

// send posts raw bytes as user to path and returns status and error code.
func (e *env) send(user, path string, body []byte, headers ...string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token(user))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, reply{status: resp.StatusCode, body: b}.errCode()
}

func TestTextLimits(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.procedure(certify)
		for _, c := range []struct {
			name, field string
			value       string
			status      int
			code        string
		}{
			// Finding 9: two such dossiers made form 01 205 pages long.
			{"900 kB address", "address", strings.Repeat("Thôn Tân Lập ", 900<<10/len("Thôn Tân Lập ")), 422, "text_too_long"},
			{"501-character address", "address", strings.Repeat("a", 501), 422, "text_too_long"},
			{"500-character address", "address", strings.Repeat("ă", 500), 201, ""},
			{"255-character e-mail", "email", strings.Repeat("a", 244) + "@example.vn", 422, "text_too_long"},
			{"201-character name", "name", strings.Repeat("a", 201), 422, "applicant_name_required"},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := submission(p, demo.GiaLamCode)
				in["applicant"].(map[string]string)[c.field] = c.value
				body, _ := json.Marshal(in)
				if status, code := e.send("congdan", "/api/v1/dossiers", body); status != c.status || code != c.code {
					t.Errorf("status %d %q, want %d %q", status, code, c.status, c.code)
				}
			})
		}
	})
}

func TestNumberRanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	// so_nguoi_ky (2.000884) is an integer from 1 to 100 in its schema;
	// dien_tich (1.013978) is an area with no range of its own.
	for _, c := range []struct {
		procedure, unit, key string
		value                any
		status               int
		code                 string
	}{
		{certify, demo.GiaLamCode, "so_nguoi_ky", -5, 422, "number_out_of_range"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", 0, 422, "number_out_of_range"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", 101, 422, "number_out_of_range"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", 1e308, 422, "number_out_of_range"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", 1.5, 422, "number_not_integer"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", "1e308", 422, "number_out_of_range"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", "NaN", 422, "invalid_number"},
		{certify, demo.GiaLamCode, "so_nguoi_ky", 3, 201, ""},
		{"1.013978", demo.GiaLamCode, "dien_tich", -5, 422, "number_out_of_range"},
		{"1.013978", demo.GiaLamCode, "dien_tich", 1e308, 422, "number_out_of_range"},
		{"1.013978", demo.GiaLamCode, "dien_tich", 152.5, 201, ""},
	} {
		p := e.procedure(c.procedure)
		in := submission(p, c.unit)
		in["form"].(map[string]any)[c.key] = c.value
		body, _ := json.Marshal(in)
		if status, code := e.send("congdan", "/api/v1/dossiers", body); status != c.status || code != c.code {
			t.Errorf("%s %s = %v: status %d %q, want %d %q", c.procedure, c.key, c.value, status, code, c.status, c.code)
		}
	}
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	good, _ := json.Marshal(submission(e.procedure(certify), demo.GiaLamCode))
	huge, _ := json.Marshal(map[string]any{"procedure": certify, "padding": strings.Repeat("x", 10<<20)})
	for _, c := range []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"10 MB body", huge, 413, "body_too_large"},
		{"trailing garbage", append(append([]byte{}, good...), " xyz"...), 422, "invalid_json"},
		{"a second JSON value", append(append([]byte{}, good...), good...), 422, "invalid_json"},
		{"trailing white space is fine", append(append([]byte{}, good...), " \n"...), 201, ""},
	} {
		if status, code := e.send("congdan", "/api/v1/dossiers", c.body); status != c.status || code != c.code {
			t.Errorf("%s: status %d %q, want %d %q", c.name, status, code, c.status, c.code)
		}
	}
}

func TestUnknownFilterValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/v1/dossiers?channel=fax", 422},
		{"/api/v1/dossiers?mine=yes", 422},
		{"/api/v1/dossiers?channel=counter&mine=true", 200},
		{"/api/v1/procedures?level=planet", 422},
		{"/api/v1/procedures?level=commune", 200},
	} {
		r := e.call("gialam.tiepnhan", "GET", c.path, nil, nil)
		if r.status != c.status || (c.status == 422 && r.errCode() != "invalid_filter") {
			t.Errorf("GET %s: %d %s, want %d", c.path, r.status, r.body, c.status)
		}
	}
}

func TestIdempotencyKeyReuse(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.procedure(certify)
		first, _ := json.Marshal(submission(p, demo.GiaLamCode))
		other := submission(p, demo.GiaLamCode)
		other["applicant"].(map[string]string)["name"] = "Trần Thị Bình"
		second, _ := json.Marshal(other)
		key := []string{"Idempotency-Key", "nop-ho-so-1"}
		if status, code := e.send("congdan", "/api/v1/dossiers", first, key...); status != 201 {
			t.Fatalf("first: %d %s", status, code)
		}
		// A retry of the same request (spacing aside) is answered with the first dossier.
		var spaced bytes.Buffer
		json.Indent(&spaced, first, "", "  ")
		if status, code := e.send("congdan", "/api/v1/dossiers", spaced.Bytes(), key...); status != 200 {
			t.Errorf("retry: %d %s, want 200", status, code)
		}
		// The same key with another applicant: refused, not silently the first dossier.
		if status, code := e.send("congdan", "/api/v1/dossiers", second, key...); status != 422 || code != "idempotency_key_reused" {
			t.Errorf("reused key: %d %q, want 422 idempotency_key_reused", status, code)
		}
	})
}

// TestPageFormBodyLimit: a page's form post over the limit is 413, not a
// form read in full (issue 8, finding 12).
func TestPageFormBodyLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	for _, c := range []struct {
		size   int
		status int
	}{{2 << 20, 413}, {1 << 10, 200}} {
		body := "username=congdan&password=" + demo.Password + "&x=" + strings.Repeat("a", c.size)
		resp, err := http.Post(e.srv.URL+"/dang-nhap", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%d-byte login form: %d, want %d", len(body), resp.StatusCode, c.status)
		}
	}
}
