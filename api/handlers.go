package api

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

var errNoRoute = problem.NotFound("no_route")

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	b, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(b)
	return err
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("at") {
		return s.unitsAt(w, r)
	}
	us, err := s.Units.List(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"units": us})
}

func (s *Server) searchProcedures(w http.ResponseWriter, r *http.Request) error {
	q := catalog.Query{Text: r.URL.Query().Get("q"), Field: r.URL.Query().Get("field"), Level: r.URL.Query().Get("level")}
	if err := oneOf("level", q.Level, catalog.LevelProvince, catalog.LevelDistrict, catalog.LevelCommune); err != nil {
		return err
	}
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := s.Units.ByCode(r.Context(), code)
		if err != nil {
			return err
		}
		q.Level = u.Level
	}
	limit, after, err := pageParams(r.URL.Query())
	if err != nil {
		return err
	}
	ps, next, err := s.Catalog.SearchPage(r.Context(), q, limit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("procedures", ps, next))
}

func (s *Server) getProcedure(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	token, exp, err := s.Auth.Token(r.Context(), in.Username, in.Password, in.TOTP)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"token": token, "expires_at": exp})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err := s.Auth.Revoke(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) submitDossier(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in dossier.SubmitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = r.Header.Get("Idempotency-Key")
	d, replayed, err := s.Dossiers.Submit(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code)
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		return writeJSON(w, http.StatusOK, d)
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (s *Server) listDossiers(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := dossier.Filter{
		Status: dossier.State(q.Get("status")), Unit: q.Get("unit"), Procedure: q.Get("procedure"),
		Channel: q.Get("channel"), Query: q.Get("q"),
	}
	if f.Status != "" && !validState(f.Status) {
		return problem.Invalid("status", "invalid_status")
	}
	// An unknown value is refused rather than ignored: ignoring it answers
	// an unfiltered list the client takes for a filtered one.
	if err := oneOf("channel", f.Channel, "online", "counter", "post", dossier.ChannelNationalPortal); err != nil {
		return err
	}
	if err := oneOf("mine", q.Get("mine"), "true", "false"); err != nil {
		return err
	}
	f.Mine = q.Get("mine") == "true"
	if v := q.Get("overdue"); v != "" {
		if f.Overdue, err = strconv.ParseBool(v); err != nil {
			return problem.Invalid("overdue", "invalid_overdue")
		}
	}
	limit, err := pageLimit(q)
	if err != nil {
		return err
	}
	if v := q.Get("offset"); v != "" {
		if f.Offset, err = strconv.Atoi(v); err != nil || f.Offset < 0 {
			return problem.Invalid("offset", "invalid_offset", "offset")
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.After, err = dossier.ParseCursor(v); err != nil {
			return err
		}
	}
	// One more than the page tells whether a next page exists, so the last
	// page carries no next.
	f.Limit = limit + 1
	ds, err := s.Dossiers.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	out := map[string]any{"dossiers": ds}
	if len(ds) > limit {
		ds = ds[:limit]
		out["dossiers"], out["next"] = ds, dossier.Cursor(ds[limit-1])
	}
	return writeJSON(w, http.StatusOK, out)
}

// oneOf accepts "" (no filter) or one of the allowed values of a filter.
func oneOf(name, v string, allowed ...string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return problem.Invalid(name, "invalid_filter", name, strings.Join(allowed, ", "))
}

func validState(s dossier.State) bool {
	for _, x := range dossier.States {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) getDossier(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	d, err := s.Dossiers.Read(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(d.Version, 10)))
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) act(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in dossier.ActInput
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	// If-Match carries the version too, for clients that prefer HTTP's own precondition.
	if m := strings.Trim(r.Header.Get("If-Match"), `"`); m != "" {
		v, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			return problem.Invalid("If-Match", "invalid_if_match")
		}
		in.Version = v
	}
	d, err := s.Dossiers.Act(r.Context(), a, r.PathValue("code"), dossier.Action(r.PathValue("action")), in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(d.Version, 10)))
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) pauses(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	ps, err := s.Dossiers.Pauses(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"pauses": ps})
}

// upload takes the file either as a multipart form field "file" or as the
// raw request body (with ?name=); both stream to disk without buffering.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	name, body := r.URL.Query().Get("name"), r.Body
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		mr, err := r.MultipartReader()
		if err != nil {
			return problem.Invalid("file", "invalid_multipart")
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return problem.Invalid("file", "file_required")
			}
			if part.FormName() == "file" {
				name, body = part.FileName(), part
				break
			}
		}
	}
	f, err := s.Dossiers.Upload(r.Context(), a, r.PathValue("code"), r.PathValue("component"), name, body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, f)
}

// uploadLegacy serves the deprecated POST /api/v1/dossiers/{code}/files/{id},
// where the last segment names the component (as it did before the upload got
// a path of its own, distinct from the download's template).
func (s *Server) uploadLegacy(w http.ResponseWriter, r *http.Request) error {
	r.SetPathValue("component", r.PathValue("id"))
	return s.upload(w, r)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("file_not_found")
	}
	f, fh, err := s.Dossiers.Open(r.Context(), a, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	defer fh.Close()
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename*=UTF-8''`+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", f.UploadedAt, fh)
	return nil
}

// track is public: the code and a second factor (the QR's token or the
// last four digits of the applicant's phone), throttled by the service.
func (s *Server) track(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Dossiers.Track(r.Context(), r.PathValue("code"), trackProof(r))
	if errors.Is(err, problem.ErrNotFound) {
		return problem.NotFound("dossier_not_found.track")
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// trackProof reads tracking's second factor from the query (?token= or
// ?phone_last4=).
func trackProof(r *http.Request) dossier.TrackProof {
	q := r.URL.Query()
	return dossier.TrackProof{Token: q.Get("token"), PhoneLast4: q.Get("phone_last4")}
}
