package mailsim

import (
	"html/template"
	"net/http"
	"slices"
)

// page lists the kept messages, newest first. Everything shown comes from
// the messages and is escaped by html/template.
var page = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hộp thư mô phỏng — motcua demo</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}article{border-top:1px solid #999;padding:.5rem 0}pre{white-space:pre-wrap}</style>
</head><body><main>
<h1>Hộp thư mô phỏng</h1>
<p>Thư điện tử motcua gửi trong bản demo (không có máy chủ thư thật: --smtp-addr chưa đặt). Giữ {{.Keep}} thư mới nhất, trong bộ nhớ.</p>
{{range .Mails}}<article>
<h2>{{.Subject}}</h2>
<p>Gửi tới: {{range $i, $t := .To}}{{if $i}}, {{end}}{{$t}}{{end}} · lúc {{.Received.Format "15:04:05 02/01/2006"}}</p>
<pre>{{.Body}}</pre>
</article>{{else}}<p>Chưa có thư nào.</p>{{end}}
</main></body></html>`))

// ServeHTTP shows the kept messages (GET only).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ms := s.Mails()
	slices.Reverse(ms)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	page.Execute(w, struct {
		Keep  int
		Mails []Mail
	}{s.keep, ms})
}
