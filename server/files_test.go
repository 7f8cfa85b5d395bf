package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func TestAttachments(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)
		d := e.submit(p.Code, demo.GiaLamCode)
		comp := p.Components[0].Key

		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		cases := []struct {
			name, user, component string
			data                  []byte
			status                int
			code                  string
		}{
			{"pdf by the applicant", "congdan", comp, samplePDF, 201, ""},
			{"png by reception", "gialam.tiepnhan", comp, png, 201, ""},
			{"executable refused by content, whatever its name", "congdan", comp, []byte("MZ\x90\x00 this is not a scan"), 422, "file_type_not_allowed"},
			{"empty file", "congdan", comp, nil, 422, "empty_file"},
			{"unknown component", "congdan", "khong_co", samplePDF, 422, "unknown_component"},
			{"too large", "congdan", comp, append(append([]byte{}, samplePDF...), make([]byte, 20<<20+1000)...), 413, "file_too_large"},
			{"stranger officer", "huyen.chuyenvien", comp, samplePDF, 404, "dossier_not_found"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.upload(c.user, d.Code, c.component, "giay to.pdf", c.data)
				if r.status != c.status || (c.code != "" && r.errCode() != c.code) {
					t.Fatalf("status %d %s, want %d %s", r.status, r.body, c.status, c.code)
				}
			})
		}

		// Multipart, as a browser form sends it, through the upload's first
		// (deprecated) path, which clients generated from it still call.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", `C:\Users\an\Giấy chứng nhận.pdf`)
		fw.Write(samplePDF)
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/dossiers/"+d.Code+"/files/"+comp, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.token("congdan"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("multipart: %v %v", resp.StatusCode, err)
		}
		resp.Body.Close()

		full := e.get("congdan", d.Code)
		sum := sha256.Sum256(samplePDF)
		var pdfID int64
		for _, f := range full.Files {
			if f.SHA256 == hex.EncodeToString(sum[:]) {
				pdfID = f.ID
			}
		}
		if pdfID == 0 {
			t.Fatalf("stored files do not include the PDF by its SHA-256: %+v", full.Files)
		}
		path := "/api/v1/dossiers/" + d.Code + "/files/" + itoa(pdfID)
		// The owner and the receiving desk may download; a stranger may not, nor anyone anonymous.
		for user, want := range map[string]int{"congdan": 200, "gialam.tiepnhan": 200, "": 401} {
			r := e.call(user, "GET", path, nil, nil)
			if r.status != want {
				t.Fatalf("%q downloading: %d, want %d", user, r.status, want)
			}
			if want == 200 && !bytes.Equal(r.body, samplePDF) {
				t.Fatalf("downloaded bytes differ")
			}
		}
		// The district oversees its communes through its supervisor only:
		// its specialist does not read a commune's files (issue 8, finding 8).
		for user, want := range map[string]int{"huyen.chuyenvien": 404, "huyen.giamsat": 200, "gialam.quantri": 404, "gialam.congnghe": 404} {
			if r := e.call(user, "GET", path, nil, nil); r.status != want {
				t.Fatalf("%s downloading: %d, want %d", user, r.status, want)
			}
		}
		// A receive closes the dossier to new component uploads.
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		if r := e.upload("congdan", d.Code, comp, "late.pdf", samplePDF); r.status != 409 || r.errCode() != "upload_closed" {
			t.Fatalf("upload after receipt: %d %s", r.status, r.body)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
