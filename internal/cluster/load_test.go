package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// client sends the load's requests, each tagged X-Test-Id so HAProxy's
// log says which instance served it, and keeps every outcome.
type client struct {
	http *http.Client
	seq  atomic.Int64
	mu   sync.Mutex
	reqs []outcome
}

// outcome is one request as the client saw it.
type outcome struct {
	base       string // the address it was sent to
	id, what   string
	start, end time.Time
	status     int // 0: no answer
	err        error
}

// failed: no answer, or not the success the request expects.
func (o outcome) failed(want int) bool { return o.err != nil || o.status != want }

// do sends one request to base and decodes a JSON answer into out when
// the status is want. It returns the outcome, kept for the checks.
func (c *client) do(base, what, method, path, token string, body io.Reader, contentType string, want int, out any, header ...string) outcome {
	o := outcome{base: base, id: fmt.Sprintf("r%d", c.seq.Add(1)), what: what}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		panic(err)
	}
	req.Header.Set("X-Test-Id", o.id)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	o.start = time.Now()
	resp, err := c.http.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		o.status = resp.StatusCode
		if err == nil && o.status == want && out != nil {
			if raw, ok := out.(*[]byte); ok {
				*raw = b
			} else {
				err = json.Unmarshal(b, out)
			}
		}
		if err == nil && o.status != want {
			err = fmt.Errorf("%s: %d %s", what, o.status, bytes.TrimSpace(b[:min(len(b), 300)]))
		}
	}
	o.end, o.err = time.Now(), err
	c.mu.Lock()
	c.reqs = append(c.reqs, o)
	c.mu.Unlock()
	return o
}

func (c *client) json(base, what, method, path, token string, in any, want int, out any, header ...string) outcome {
	var body io.Reader
	ct := ""
	if in != nil {
		b, _ := json.Marshal(in)
		body, ct = bytes.NewReader(b), "application/json"
	}
	return c.do(base, what, method, path, token, body, ct, want, out, header...)
}

// login returns a bearer token (a session row: any instance accepts it).
func (c *client) login(base, user string) (string, outcome) {
	var out struct{ Token string }
	o := c.json(base, "login", "POST", "/api/v1/auth/token", "", map[string]string{"username": user, "password": demoPassword}, 200, &out)
	return out.Token, o
}

// submitted is a dossier whose submission was acknowledged (201), with
// the files whose uploads were.
type submitted struct {
	code  string
	files []storedFile
}

type storedFile struct {
	id    int64
	bytes []byte
}

// pdf is a small well-formed PDF carrying tag, so each dossier's first
// file is its own content; the second is the same for every dossier
// (stored once).
func pdf(tag string) []byte {
	return []byte("%PDF-1.4\n% " + tag + "\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// submission is the README's example: a signature certification at the
// demo commune, filed online by the demo citizen.
func submission() map[string]any {
	return map[string]any{
		"procedure": "2.000884", "unit": demoCommune, "delivery": "counter",
		"applicant": map[string]string{"name": "Nguyễn Văn An", "id_number": "037085001234", "phone": "0912345678", "email": "an@example.vn"},
		"form": map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An",
			"so_dinh_danh": "037085001234", "so_nguoi_ky": 1, "hinh_thuc": "Ký"},
	}
}

// components are the procedure's required papers.
var components = []string{"giay_to_tuy_than", "giay_to_can_ky"}

// round is one citizen's filing and the desk's reception, through base:
// a login now and then, a submission, its two files, the officer's
// receive (which e-mails the citizen). It stops at the first failure and
// returns what was acknowledged.
func (c *client) round(base string, n int, citizen, officer *string) *submitted {
	if n%5 == 0 || *citizen == "" {
		tok, o := c.login(base, demoCitizen)
		if o.err != nil {
			return nil
		}
		*citizen = tok
	}
	var d struct{ Code string }
	if o := c.json(base, "submit", "POST", "/api/v1/dossiers", *citizen, submission(), 201, &d,
		"Idempotency-Key", fmt.Sprintf("cluster-%d-%d", n, time.Now().UnixNano())); o.err != nil {
		return nil
	}
	s := &submitted{code: d.Code}
	for i, comp := range components {
		content := pdf("shared paper")
		if i == 0 {
			content = pdf("paper of " + d.Code)
		}
		var f struct{ ID int64 }
		o := c.do(base, "upload", "POST", "/api/v1/dossiers/"+d.Code+"/components/"+comp+"/files?name="+url.QueryEscape(comp+".pdf"),
			*citizen, bytes.NewReader(content), "application/octet-stream", 201, &f)
		if o.err != nil {
			return s
		}
		s.files = append(s.files, storedFile{id: f.ID, bytes: content})
	}
	if *officer == "" {
		tok, o := c.login(base, demoOfficer)
		if o.err != nil {
			return s
		}
		*officer = tok
	}
	c.json(base, "receive", "POST", "/api/v1/dossiers/"+d.Code+"/actions/receive", *officer, map[string]any{}, 200, nil)
	return s
}
