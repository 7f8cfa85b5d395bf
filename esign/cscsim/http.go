package cscsim

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP serves the CSC API under /csc/v2/, the token endpoint at
// /oauth2/token, the CA's CRL at /crl and, at /, a page listing the OTPs
// sent (the demo's stand-in for the leader's phone).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case path == "" && r.Method == http.MethodGet:
		s.page(w)
		return
	case path == "crl" && r.Method == http.MethodGet:
		der, err := s.crl()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		w.Write(der)
		return
	case path == "fail" && r.Method == http.MethodPost:
		// The demo's way to make the next call of a method fail (tests
		// call Fail directly).
		status, err := strconv.Atoi(r.PostFormValue("status"))
		method := r.PostFormValue("method")
		if err != nil || status < 400 || status > 599 || method == "" {
			http.Error(w, "method and status (400–599) are required", http.StatusBadRequest)
			return
		}
		code := r.PostFormValue("code")
		if code == "" {
			code = "server_error"
		}
		s.Fail(method, status, code)
		http.Redirect(w, r, "./", http.StatusSeeOther)
		return
	case r.Method != http.MethodPost:
		cscError(w, http.StatusMethodNotAllowed, "invalid_request", "POST only")
		return
	}
	method := strings.TrimPrefix(path, "csc/v2/")
	if f, ok := s.takeFault(method); ok {
		cscError(w, f.status, f.code, "injected by the simulator")
		return
	}
	if path == "oauth2/token" {
		s.token(w, r)
		return
	}
	if !strings.HasPrefix(path, "csc/v2/") {
		cscError(w, http.StatusNotFound, "invalid_request", "no such method")
		return
	}
	if method == "info" {
		writeJSON(w, map[string]any{"specs": "2.0.0.2", "name": "motcua CSC simulator", "logo": "", "region": "VN", "lang": "vi",
			"description": "Dịch vụ ký số từ xa mô phỏng", "authType": []string{"oauth2client"}, "oauth2": s.cfg.BaseURL + "/oauth2",
			"methods": []string{"credentials/list", "credentials/info", "credentials/sendOTP", "credentials/authorize", "signatures/signHash"}})
		return
	}
	if !s.authorized(r) {
		cscError(w, http.StatusUnauthorized, "invalid_token", "missing or expired access token")
		return
	}
	var in struct {
		UserID        string   `json:"userID"`
		CredentialID  string   `json:"credentialID"`
		CredInfo      bool     `json:"credInfo"`
		Certificates  string   `json:"certificates"`
		NumSignatures int      `json:"numSignatures"`
		Hashes        []string `json:"hashes"`
		HashAlgorithm string   `json:"hashAlgorithmOID"`
		SignAlgo      string   `json:"signAlgo"`
		SAD           string   `json:"SAD"`
		AuthData      []struct {
			ID    string `json:"id"`
			Value string `json:"value"`
		} `json:"authData"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		cscError(w, http.StatusBadRequest, "invalid_request", "malformed JSON")
		return
	}
	switch method {
	case "credentials/list":
		s.mu.Lock()
		ids := slices.Clone(s.users[in.UserID])
		s.mu.Unlock()
		if ids == nil {
			ids = []string{}
		}
		out := map[string]any{"credentialIDs": ids}
		if in.CredInfo {
			// The credentials' info in the same answer (CSC v2.0.0.2 §11.4).
			infos := []map[string]any{}
			for _, id := range ids {
				s.mu.Lock()
				c := s.creds[id]
				s.mu.Unlock()
				info := s.credInfo(c, in.Certificates)
				info["credentialID"] = id
				infos = append(infos, info)
			}
			out["credentialInfos"] = infos
		}
		writeJSON(w, out)
	case "credentials/info":
		s.info(w, in.CredentialID, in.Certificates)
	case "credentials/sendOTP":
		s.sendOTP(w, in.CredentialID)
	case "credentials/authorize":
		var code string
		for _, a := range in.AuthData {
			if a.ID == "OTP" {
				code = a.Value
			}
		}
		s.authorize(w, in.CredentialID, code, in.NumSignatures, in.Hashes, in.HashAlgorithm)
	case "signatures/signHash":
		s.signHash(w, in.CredentialID, in.SAD, in.Hashes, in.HashAlgorithm, in.SignAlgo)
	default:
		cscError(w, http.StatusNotFound, "invalid_request", "no such method")
	}
}

func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if r.PostFormValue("grant_type") != "client_credentials" {
		cscError(w, http.StatusBadRequest, "unsupported_grant_type", "client_credentials only")
		return
	}
	if id != s.cfg.ClientID || secret != s.cfg.ClientSecret {
		cscError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	tok := random(16)
	s.mu.Lock()
	s.tokens[tok] = s.cfg.Now().Add(time.Hour)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

func (s *Sim) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.cfg.Now().Before(exp)
}

func (s *Sim) info(w http.ResponseWriter, id, certs string) {
	s.mu.Lock()
	c := s.creds[id]
	s.mu.Unlock()
	if c == nil {
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter credentialID")
		return
	}
	writeJSON(w, s.credInfo(c, certs))
}

// credInfo is what credentials/info answers about c, and what
// credentials/list with credInfo answers about each credential.
func (s *Sim) credInfo(c *credential, certs string) map[string]any {
	s.mu.Lock()
	revoked := c.revoked
	s.mu.Unlock()
	chain := []string{b64(c.cert.Raw)}
	switch certs {
	case "none":
		chain = nil
	case "single":
	default:
		chain = append(chain, b64(s.caCert.Raw))
	}
	status := "valid"
	if revoked {
		status = "revoked"
	}
	return map[string]any{
		"description": "Chứng thư số của " + c.name, "signatureQualifier": "eu_eidas_aes",
		"key": map[string]any{"status": "enabled", "algo": []string{"1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11"}, "len": 2048},
		"cert": map[string]any{"status": status, "certificates": chain, "issuerDN": c.cert.Issuer.String(), "subjectDN": c.cert.Subject.String(),
			"serialNumber": c.cert.SerialNumber.Text(16), "validFrom": c.cert.NotBefore.UTC().Format("20060102150405Z"), "validTo": c.cert.NotAfter.UTC().Format("20060102150405Z")},
		"auth": map[string]any{"mode": "explicit", "expression": "OTP", "objects": []map[string]string{
			{"type": "Password", "id": "OTP", "format": "N", "label": "OTP", "description": "Mã OTP gửi qua SMS"}}},
		"SCAL": "2", "multisign": 1, "lang": "vi",
	}
}

func (s *Sim) sendOTP(w http.ResponseWriter, id string) {
	s.mu.Lock()
	c := s.creds[id]
	if c == nil {
		s.mu.Unlock()
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter credentialID")
		return
	}
	now := s.cfg.Now()
	c.otp, c.otpExpires, c.wrong = otp(), now.Add(s.cfg.OTPLife), 0
	s.sent = append(s.sent, Delivery{At: now, UserID: c.userID, Name: c.name, Phone: c.phone, OTP: c.otp})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// maxWrong is how many wrong OTPs void the one sent.
const maxWrong = 5

func (s *Sim) authorize(w http.ResponseWriter, id, code string, n int, hashes []string, hashAlgo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.creds[id]
	switch {
	case c == nil:
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter credentialID")
		return
	case c.revoked:
		cscError(w, http.StatusBadRequest, "invalid_request", "Revoked credential")
		return
	case hashAlgo != "2.16.840.1.101.3.4.2.1":
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashAlgorithmOID")
		return
	case len(hashes) == 0 || n != len(hashes):
		cscError(w, http.StatusBadRequest, "invalid_request", "numSignatures does not match hashes (SCAL2)")
		return
	}
	now := s.cfg.Now()
	if sad, ok := c.authorized[authKey(code, hashes)]; ok && s.sads[sad] != nil && now.Before(s.sads[sad].expires) {
		writeJSON(w, map[string]any{"SAD": sad, "expiresIn": int(s.sads[sad].expires.Sub(now).Seconds())})
		return
	}
	switch {
	case c.otp == "":
		cscError(w, http.StatusBadRequest, "invalid_otp", "No OTP was sent or it was already used")
		return
	case now.After(c.otpExpires):
		c.otp = ""
		cscError(w, http.StatusBadRequest, "invalid_otp", "The OTP has expired")
		return
	case code != c.otp:
		c.wrong++
		if c.wrong >= maxWrong {
			c.otp = ""
		}
		cscError(w, http.StatusBadRequest, "invalid_otp", "Invalid OTP")
		return
	}
	sad := random(24)
	s.sads[sad] = &activation{cred: id, hashes: slices.Clone(hashes), expires: now.Add(5 * time.Minute)}
	c.authorized[authKey(code, hashes)] = sad
	c.otp = "" // one OTP, one authorisation
	writeJSON(w, map[string]any{"SAD": sad, "expiresIn": 300})
}

func (s *Sim) signHash(w http.ResponseWriter, id, sad string, hashes []string, hashAlgo, signAlgo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.sads[sad]
	c := s.creds[id]
	switch {
	case a == nil || c == nil || a.cred != id || s.cfg.Now().After(a.expires):
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid or expired SAD")
		return
	case !slices.Equal(a.hashes, hashes):
		cscError(w, http.StatusBadRequest, "invalid_request", "The hashes are not those authorised")
		return
	case hashAlgo != "2.16.840.1.101.3.4.2.1":
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter hashAlgorithmOID")
		return
	case signAlgo != "1.2.840.113549.1.1.1" && signAlgo != "1.2.840.113549.1.1.11":
		cscError(w, http.StatusBadRequest, "invalid_request", "Invalid parameter signAlgo")
		return
	}
	if a.signed == nil {
		for _, h := range hashes {
			digest, err := base64.StdEncoding.DecodeString(h)
			if err != nil || len(digest) != 32 {
				cscError(w, http.StatusBadRequest, "invalid_request", "Invalid hash")
				return
			}
			sig, err := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, digest)
			if err != nil {
				cscError(w, http.StatusInternalServerError, "server_error", err.Error())
				return
			}
			a.signed = append(a.signed, b64(sig))
			s.signatures++
		}
	}
	writeJSON(w, map[string]any{"signatures": a.signed})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func cscError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Dịch vụ ký số từ xa (mô phỏng)</title></head>
<body>
<h1>Dịch vụ ký số từ xa – mô phỏng CSC v2</h1>
<p>Mã OTP đã gửi (thay cho tin nhắn SMS đến điện thoại của người ký):</p>
<table border="1" cellpadding="4">
<thead><tr><th>Thời gian</th><th>Người ký</th><th>Điện thoại</th><th>Mã OTP</th></tr></thead>
<tbody>
{{range .}}<tr><td>{{.At.Format "2006-01-02 15:04:05"}}</td><td>{{.Name}} ({{.UserID}})</td><td>{{.Phone}}</td><td><strong class="otp">{{.OTP}}</strong></td></tr>
{{else}}<tr><td colspan="4">Chưa gửi mã nào.</td></tr>{{end}}
</tbody></table>
<h2>Giả lập sự cố</h2>
<form method="post" action="fail">
<label>Phương thức <select name="method"><option>credentials/authorize</option><option>signatures/signHash</option><option>credentials/sendOTP</option><option>credentials/list</option><option>oauth2/token</option></select></label>
<label>Mã HTTP <input name="status" value="503" size="4"></label>
<label>Mã lỗi <input name="code" value="temporarily_unavailable"></label>
<button type="submit">Lần gọi tới sẽ lỗi</button>
</form>
<p><a href="crl">CRL của CA mô phỏng</a></p>
</body></html>`))

func (s *Sim) page(w http.ResponseWriter) {
	sent := s.Sent()
	slices.Reverse(sent)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	pageTmpl.Execute(w, sent)
}
