package postsim

import (
	"html/template"
	"net/http"
)

// The simulator's page: every shipment with its events and buttons that
// play the post's part. Links are relative, so the page works wherever the
// simulator is mounted (/_sim/post/ in the demo).

var pageT = template.Must(template.New("sim").Funcs(template.FuncMap{
	"final": final,
}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bưu điện giả lập — motcua</title></head>
<body>
<h1>Bưu điện giả lập</h1>
<p>Trang này đóng vai hệ thống của bưu điện cho bản trình diễn: mỗi nút chuyển bưu gửi sang trạng thái khác và gửi webhook có chữ ký về motcua. Không dùng trong vận hành thật.</p>
{{if not .}}<p>Chưa có bưu gửi nào. Cán bộ tạo vận đơn ở trang hồ sơ (nhận kết quả qua bưu chính, đã có kết quả).</p>{{end}}
{{range .}}<section>
<h2>{{.ItemCode}} — {{.Status}}</h2>
<p>Mã đơn: {{.Order.OrderCode}}<br>Người nhận: {{.Order.ReceiverName}}, {{.Order.ReceiverPhone}}<br>Địa chỉ: {{.Order.ReceiverAddress}}<br>Thu hộ: {{.Order.CODAmount}} đ</p>
<ol>{{range .Events}}<li>{{.StatusTime.Format "15:04:05 02/01/2006"}} — {{.StatusCode}} ({{.StatusName}}){{if .Location}}, {{.Location}}{{end}}</li>{{end}}</ol>
{{if not (final .Status)}}{{$item := .ItemCode}}
<form method="post" action="shipments/{{$item}}/advance"><button type="submit">Chuyển bước tiếp theo</button></form>
<form method="post" action="shipments/{{$item}}/advance"><input type="hidden" name="status" value="DELIVERY_FAILED"><button type="submit">Phát không thành công</button></form>
<form method="post" action="shipments/{{$item}}/advance"><input type="hidden" name="status" value="RETURNED"><button type="submit">Chuyển hoàn</button></form>
{{end}}
</section>{{end}}
</body></html>
`))

func (s *Sim) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pageT.Execute(w, s.Shipments()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// advanceForm is a button of the page: the next step, or the status posted.
func (s *Sim) advanceForm(w http.ResponseWriter, r *http.Request) {
	item := r.PathValue("item")
	var err error
	if code := r.PostFormValue("status"); code != "" {
		if _, ok := statusNames[code]; !ok {
			http.Error(w, "unknown status", http.StatusBadRequest)
			return
		}
		_, err = s.Emit(r.Context(), item, code, s.cfg.Now())
	} else {
		_, err = s.Advance(r.Context(), item)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	// Relative, so the prefix the simulator is mounted under is kept.
	w.Header().Set("Location", "../../")
	w.WriteHeader(http.StatusSeeOther)
}
