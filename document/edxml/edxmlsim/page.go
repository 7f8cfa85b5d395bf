package edxmlsim

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/document/edxml"
)

// The simulator's page: the documents its agencies received and sent,
// with a button for each answer a person there would give, and a form to
// send motcua a document. Plain forms, no JavaScript; every action
// redirects back to the page, where its outcome (or motcua's refusal)
// shows on the document.

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{"status": statusName}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Liên thông văn bản edXML (mô phỏng)</title>
<style>body{font-family:sans-serif;max-width:75em;margin:1em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.3em;vertical-align:top}form.inline{display:inline}.err{color:#a00}</style></head>
<body>
<h1>Liên thông văn bản điện tử (edXML) — mô phỏng</h1>
<p>Hệ thống quản lý văn bản của {{range $i, $a := .Agencies}}{{if $i}}, {{end}}{{$a.OrganName}} ({{$a.OrganID}}){{end}}, trao đổi với motcua theo QCVN 102:2016. Không dùng cho vận hành thật; dữ liệu chỉ giữ trong bộ nhớ.</p>
<p>Văn bản motcua gửi đến được tự động báo «Đã đến (01)»; các trạng thái sau do người dùng bấm nút dưới đây.</p>

<h2 id="den">Văn bản nhận từ motcua</h2>
{{if not .In}}<p>Chưa có văn bản nào.</p>{{else}}
<table aria-labelledby="den"><tr><th scope="col">Số</th><th scope="col">Nơi gửi → nơi nhận</th><th scope="col">Trích yếu</th><th scope="col">Diễn biến</th><th scope="col">Trả lời motcua</th></tr>
{{range .In}}<tr><td>{{.Message.Code.String}}</td><td>{{.Message.From.OrganName}} → {{.Agency.OrganName}}</td><td>{{.Message.Subject}}</td>
<td>{{template "events" .}}</td>
<td>{{if .RevocationAsked}}<p><strong>motcua đề nghị thu hồi.</strong></p>
<form class="inline" method="post" action="tra-loi"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="code" value="15"><button>Đồng ý thu hồi (15)</button></form>
<form class="inline" method="post" action="tra-loi"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="code" value="16"><label>Lý do <input name="note" value="Văn bản đã được triển khai thực hiện"></label> <button>Từ chối thu hồi (16)</button></form>
{{else}}{{$id := .ID}}{{range $.Answers}}<form class="inline" method="post" action="tra-loi"><input type="hidden" name="id" value="{{$id}}"><input type="hidden" name="code" value="{{.}}"><button>{{status .}}</button></form> {{end}}{{end}}</td></tr>
{{end}}</table>{{end}}

<h2 id="di">Văn bản gửi motcua</h2>
{{if not .Out}}<p>Chưa gửi văn bản nào.</p>{{else}}
<table aria-labelledby="di"><tr><th scope="col">Số</th><th scope="col">Nơi gửi → nơi nhận</th><th scope="col">Trích yếu</th><th scope="col">Diễn biến</th><th scope="col">Thao tác</th></tr>
{{range .Out}}<tr><td>{{.Message.Code.String}}</td><td>{{.Agency.OrganName}} → {{range .Message.To}}{{.OrganName}} ({{.OrganID}}){{end}}</td><td>{{.Message.Subject}}</td>
<td>{{template "events" .}}</td>
<td>{{if .ReplacedBy}}Đã bị thay thế.{{else}}
<form method="post" action="dinh-chinh"><input type="hidden" name="id" value="{{.ID}}"><label>Trích yếu mới <input name="subject" value="{{.Message.Subject}} (đính chính)" required></label> <label>Lý do <input name="reason" value="Đính chính trích yếu"></label> <button>Gửi đính chính (2)</button></form>
<form method="post" action="thay-the"><input type="hidden" name="id" value="{{.ID}}"><label>Số mới <input name="number" size="5" required></label> <label>Trích yếu <input name="subject" value="{{.Message.Subject}}" required></label> <label>Lý do <input name="reason" value="Thay thế văn bản đã gửi"></label> <button>Gửi văn bản thay thế (3)</button></form>
<form method="post" action="thu-hoi"><input type="hidden" name="id" value="{{.ID}}"><label>Lý do <input name="reason" value="Văn bản ban hành chưa đúng thẩm quyền" required></label> <button>Đề nghị thu hồi (13)</button></form>{{end}}</td></tr>
{{end}}</table>{{end}}

<h2 id="gui">Gửi văn bản đến motcua</h2>
<form method="post" action="gui" aria-labelledby="gui">
<p><label>Cơ quan gửi <select name="from">{{range .Agencies}}<option value="{{.OrganID}}">{{.OrganName}}</option>{{end}}</select></label></p>
<p><label>Nơi nhận (mã định danh) <input name="to" list="noi-nhan" required value="{{with .Recipients}}{{(index . 0).OrganID}}{{end}}"></label>
<datalist id="noi-nhan">{{range .Recipients}}<option value="{{.OrganID}}">{{.OrganName}}</option>{{end}}</datalist></p>
<p><label>Số <input name="number" size="5" required></label> <label>Ký hiệu <input name="notation" value="UBND-VP" required></label>
<label>Loại <select name="type">{{range .Types}}<option>{{.}}</option>{{end}}</select></label></p>
<p><label>Trích yếu <input name="subject" size="60" required></label></p>
<p><button>Gửi</button></p>
</form>
{{if .Orphans}}<h2 id="khac">Trạng thái về văn bản không có trong bộ nhớ</h2>
<ul aria-labelledby="khac">{{range .Orphans}}<li>{{status (printf "%s" .StatusCode)}} — {{.ResponseFor.Code}} ({{.ResponseFor.DocumentID}}) từ {{.From.OrganName}}{{with .Description}}: {{.}}{{end}}</li>{{end}}</ul>{{end}}
</body></html>
{{define "events"}}<ol>{{range .Events}}<li>{{.At.Format "02/01 15:04:05"}} {{if .Sent}}gửi{{else}}nhận{{end}} {{status .Code}}{{with .Description}}: {{.}}{{end}}{{if .Queued}} (chờ gửi){{end}}{{with .Err}} <span class="err">— lỗi: {{.}}</span>{{end}}</li>{{end}}</ol>{{end}}`))

// pageData is what the page shows.
type pageData struct {
	Agencies, Recipients []edxml.Organization
	In, Out              []Doc
	Orphans              []edxml.Status
	Answers              []string
	Types                []string
}

func (s *Sim) routes() {
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("POST /gui", s.form(func(r *http.Request) error {
		_, err := s.Send(r.Context(), Draft{From: edxml.Organization{OrganID: r.FormValue("from")}, To: s.recipient(r.FormValue("to")),
			Number: r.FormValue("number"), Notation: r.FormValue("notation"), TypeName: r.FormValue("type"), Subject: r.FormValue("subject")})
		return err
	}))
	s.mux.HandleFunc("POST /tra-loi", s.form(func(r *http.Request) error {
		return s.Answer(r.Context(), formID(r), edxml.StatusCode(r.FormValue("code")), r.FormValue("note"))
	}))
	s.mux.HandleFunc("POST /dinh-chinh", s.form(func(r *http.Request) error {
		_, err := s.Correct(r.Context(), formID(r), r.FormValue("subject"), r.FormValue("reason"))
		return err
	}))
	s.mux.HandleFunc("POST /thay-the", s.form(func(r *http.Request) error {
		_, err := s.Replace(r.Context(), formID(r), r.FormValue("number"), r.FormValue("subject"), r.FormValue("reason"))
		return err
	}))
	s.mux.HandleFunc("POST /thu-hoi", s.form(func(r *http.Request) error {
		return s.RequestRevocation(r.Context(), formID(r), r.FormValue("reason"))
	}))
}

// form runs a page action and goes back to the page: motcua's answer is
// shown on the document. An action on nothing (a stale form) is a 400.
func (s *Sim) form(act func(*http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := act(r); err != nil && strings.HasPrefix(err.Error(), "edxmlsim:") {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "./", http.StatusSeeOther)
	}
}

func formID(r *http.Request) int {
	id, _ := strconv.Atoi(r.FormValue("id"))
	return id
}

// recipient is motcua's organ with OrganId id, named when the page knows it.
func (s *Sim) recipient(id string) edxml.Organization {
	id = strings.TrimSpace(id)
	for _, o := range s.cfg.Recipients {
		if o.OrganID == id {
			return o
		}
	}
	return edxml.Organization{OrganID: id}
}

func (s *Sim) page(w http.ResponseWriter, r *http.Request) {
	data := pageData{Agencies: s.cfg.Agencies, Recipients: s.cfg.Recipients, Orphans: s.Orphans(), Types: TypeNames,
		Answers: []string{"02", "03", "04", "05", "06"}}
	for _, d := range s.Docs() {
		if d.Incoming {
			data.In = append(data.In, d)
		} else {
			data.Out = append(data.Out, d)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, data); err != nil {
		s.cfg.Log.ErrorContext(r.Context(), "edxmlsim: page", "err", err)
	}
}
