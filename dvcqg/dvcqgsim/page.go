package dvcqgsim

import (
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/motcua/motcua/dvcqg"
)

// The simulator's page: what the "portal" holds, and a form to file a
// dossier there as a citizen would (for a demonstration of the pull).

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng DVC quốc gia (mô phỏng)</title></head>
<body>
<h1>Cổng Dịch vụ công quốc gia — mô phỏng</h1>
<p>Không dùng cho vận hành thật. Số lời gọi đã nhận: {{.Calls}}; bị bỏ do trùng khóa IdDongBo: {{.Repeats}}.</p>
<h2>Nộp hồ sơ trên Cổng (cho một đơn vị của tỉnh)</h2>
<form method="post" action="nop-ho-so">
<label>Mã đơn vị (MaDonVi) <input name="MaDonVi" required></label><br>
<label>Mã thủ tục (MaTTHC) <input name="MaTTHC" required></label><br>
<label>Chủ hồ sơ <input name="ChuHoSo" required></label><br>
<label>Số định danh <input name="MaDoiTuong"></label><br>
<label>Điện thoại <input name="SoDienThoai"></label><br>
<label>Tờ khai (JSON: trường → giá trị) <input name="ThongTinKhac" value="{}"></label><br>
<label>Thành phần hồ sơ kèm tệp PDF mẫu (mã, cách nhau bởi dấu phẩy) <input name="ThanhPhan"></label><br>
<button>Nộp</button>
</form>
<h2>Hồ sơ Cổng đang giữ</h2>
<table border="1" cellpadding="4">
<tr><th>MaHoSo</th><th>Thủ tục</th><th>Chủ hồ sơ</th><th>Trạng thái</th><th>Hẹn trả</th><th>Tiến độ (theo thứ tự nhận)</th></tr>
{{range .Dossiers}}<tr><td>{{.Record.MaHoSo}}</td><td>{{.Record.TenTTHC}}</td><td>{{.Record.ChuHoSo}}</td><td>{{.Record.TrangThaiHoSo}}</td><td>{{.Record.NgayHenTra}}</td>
<td><ol>{{range .Steps}}<li>{{.ThoiDiemXuLy}} — {{.NguoiXuLy}}: {{.NoiDungXuLy}} ({{.TrangThai}})</li>{{end}}</ol></td></tr>
{{end}}</table>
</body></html>`))

// samplePDF is the paper attached to a dossier filed from the page.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func (s *Sim) page(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	codes := make([]string, 0, len(s.dossiers))
	for c := range s.dossiers {
		codes = append(codes, c)
	}
	s.mu.Unlock()
	sort.Strings(codes)
	data := struct {
		Calls, Repeats int
		Dossiers       []Dossier
	}{Calls: s.Calls(), Repeats: s.Repeats()}
	for _, c := range codes {
		d, _ := s.Get(c)
		data.Dossiers = append(data.Dossiers, d)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	pageTmpl.Execute(w, data)
}

func (s *Sim) fileForm(w http.ResponseWriter, r *http.Request) {
	f := dvcqg.Filed{MaDonVi: r.FormValue("MaDonVi"), MaTTHC: r.FormValue("MaTTHC"), ChuHoSo: r.FormValue("ChuHoSo"),
		MaDoiTuong: r.FormValue("MaDoiTuong"), SoDienThoai: r.FormValue("SoDienThoai"), ThongTinKhac: r.FormValue("ThongTinKhac"),
		LoaiDoiTuong: "1", HinhThuc: "0"}
	var papers []Paper
	for _, c := range strings.Split(r.FormValue("ThanhPhan"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			papers = append(papers, Paper{Component: c, Name: c + ".pdf", Data: samplePDF})
		}
	}
	s.File(f, papers...)
	http.Redirect(w, r, "./", http.StatusSeeOther)
}
