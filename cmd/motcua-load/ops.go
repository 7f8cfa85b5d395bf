package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"time"
)

// do runs one operation of the mix and returns the one it really ran
// (an officer's act drawn when no dossier waits for it falls back to the
// stage before, down to filing a new dossier, so the lifecycle keeps
// moving), the status, and whether that status is the one expected.
func (w *world) do(ctx context.Context, name string) (ran string, status int, ok bool, err error) {
	switch name {
	case opSearch:
		q := searches[w.turn.Add(1)%uint64(len(searches))]
		return w.read(ctx, name, "/api/v1/procedures?q="+url.QueryEscape(q), "", w.citizenAddr(), nil)
	case opBrowse:
		f := w.fields[w.turn.Add(1)%uint64(len(w.fields))]
		return w.read(ctx, name, "/api/v1/procedures?level=commune&field="+url.QueryEscape(f), "", w.citizenAddr(), nil)
	case opProcedure:
		c := w.codes[w.turn.Add(1)%uint64(len(w.codes))]
		return w.read(ctx, name, "/api/v1/procedures/"+url.PathEscape(c), "", w.citizenAddr(), nil)
	case opTrack:
		t := w.someTracked()
		return w.read(ctx, name, "/api/v1/track/"+url.PathEscape(t.code)+"?token="+url.QueryEscape(t.token), "", w.citizenAddr(), nil)
	case opPing:
		return w.read(ctx, name, "/healthz", "", w.citizenAddr(), nil)
	case opQueue:
		d := w.pickDesk()
		return w.read(ctx, name, "/api/v1/dossiers?status=submitted&limit=20", d.tokens["tiepnhan"], d.addr("tiepnhan"), nil)
	case opDashboard:
		d := w.pickDesk()
		return w.read(ctx, name, "/can-bo/thong-ke/tong-quan", "", d.addr("lanhdao"), d.session)
	case opII06a:
		d := w.pickDesk()
		now := time.Now().In(ict)
		q := url.Values{"unit": {d.unit}, "from": {now.Format("2006") + "-01-01"}, "to": {now.Format(time.DateOnly)}}
		return w.read(ctx, name, "/api/v1/reports/ii06a?"+q.Encode(), d.tokens["lanhdao"], d.addr("lanhdao"), nil)
	case opLogin:
		d := w.pickDesk()
		role := officerRoles[w.turn.Add(1)%uint64(len(officerRoles))]
		st, _, err := w.sendJSON(ctx, "POST", "/api/v1/auth/token",
			map[string]string{"username": d.prefix + "." + role, "password": w.cfg.officerPW}, "", d.addr(role))
		return name, st, st == http.StatusOK, err
	case opSubmit, opCounter:
		return w.file(ctx, w.pickDesk(), name == opCounter)
	case opUpload:
		return w.upload(ctx)
	case opReceive, opProcess, opApprove, opDeliver:
		return w.act(ctx, name)
	}
	return name, 0, false, fmt.Errorf("unknown operation %q", name)
}

// ict is Vietnam's time, in which the reports' days are counted.
var ict = time.FixedZone("ICT", 7*3600)

func (w *world) read(ctx context.Context, name, path, token, addr string, cookie *http.Cookie) (string, int, bool, error) {
	st, _, err := w.send(ctx, "GET", path, nil, "", token, addr, cookie)
	return name, st, st == http.StatusOK, err
}

// file submits a dossier to the desk's unit: online as the citizen (its
// file is uploaded next), or entered at the counter by reception.
func (w *world) file(ctx context.Context, d *desk, counter bool) (string, int, bool, error) {
	in := map[string]any{"procedure": w.cfg.procedure, "unit": d.unit, "delivery": "counter", "form": w.form,
		"applicant": map[string]string{"name": "Nguyễn Văn Tải", "phone": "0912345678"}}
	name, token, addr, next := opSubmit, w.citizen, w.citizenAddr(), stUpload
	if counter {
		in["channel"] = "counter"
		name, token, addr, next = opCounter, d.tokens["tiepnhan"], d.addr("tiepnhan"), stReceive
	}
	st, b, err := w.sendJSON(ctx, "POST", "/api/v1/dossiers", in, token, addr)
	if st != http.StatusCreated || err != nil {
		return name, st, false, err
	}
	var out struct {
		Code       string
		TrackToken string `json:"track_token"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Code == "" {
		return name, st, false, fmt.Errorf("submit answered %s", b)
	}
	d.push(next, out.Code)
	w.remember(out.Code, out.TrackToken)
	return name, st, true, nil
}

// upload sends the sample PDF as the citizen, multipart, as the portal's
// form does.
func (w *world) upload(ctx context.Context) (string, int, bool, error) {
	d, code := w.waiting(stUpload)
	if code == "" {
		w.fallbacks.Add(1)
		return w.file(ctx, w.pickDesk(), false)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="ban-sao.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(w.pdf)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return opUpload, 0, false, err
	}
	path := "/api/v1/dossiers/" + url.PathEscape(code) + "/components/" + url.PathEscape(w.component) + "/files"
	st, _, err := w.send(ctx, "POST", path, &body, mw.FormDataContentType(), w.citizen, w.citizenAddr(), nil)
	if st == http.StatusCreated {
		d.push(stReceive, code)
	}
	return opUpload, st, st == http.StatusCreated, err
}

// acts are the officers' steps through 2.000815's lifecycle: the desk
// receives, the specialist processes (forward), the leader approves
// (which readies the result), the desk hands it back (deliver).
var acts = map[string]struct {
	stage        int
	action, role string
}{
	opReceive: {stReceive, "receive", "tiepnhan"},
	opProcess: {stProcess, "forward", "chuyenvien"},
	opApprove: {stApprove, "approve", "lanhdao"},
	opDeliver: {stDeliver, "deliver", "tiepnhan"},
}

var actBefore = map[string]string{opDeliver: opApprove, opApprove: opProcess, opProcess: opReceive, opReceive: opUpload}

func (w *world) act(ctx context.Context, name string) (string, int, bool, error) {
	a := acts[name]
	d, code := w.waiting(a.stage)
	if code == "" {
		w.fallbacks.Add(1)
		if prev := actBefore[name]; prev != opUpload {
			return w.act(ctx, prev)
		}
		return w.upload(ctx)
	}
	path := "/api/v1/dossiers/" + url.PathEscape(code) + "/actions/" + a.action
	st, _, err := w.send(ctx, "POST", path, nil, "", d.tokens[a.role], d.addr(a.role), nil)
	if st != http.StatusOK {
		return name, st, false, err
	}
	if a.stage+1 < stages {
		d.push(a.stage+1, code)
	} else {
		w.mu.Lock()
		w.delivered = append(w.delivered, code)
		w.mu.Unlock()
	}
	return name, st, true, err
}

// waiting takes a dossier waiting at stage, from the next desk that has one.
func (w *world) waiting(stage int) (*desk, string) {
	start := w.turn.Add(1)
	for i := range uint64(len(w.desks)) {
		d := w.desks[(start+i)%uint64(len(w.desks))]
		if code := d.pop(stage); code != "" {
			return d, code
		}
	}
	return nil, ""
}
