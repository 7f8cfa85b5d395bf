package server_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestWorkFilesAPI opens a work file over the API, files a document in it,
// exports it as XML and PDF, closes it; and reads the documents report
// before and after a registration.
func TestWorkFilesAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var before report.DocumentsReport
		rpath := "/api/v1/reports/documents?unit=" + demo.DistrictCode
		e.must(e.call("huyen.lanhdao", "GET", rpath, nil, &before), 200)
		if r := e.call("huyen.chuyenvien", "GET", rpath, nil, nil); r.status != 403 {
			t.Fatalf("a specialist reads the report: %d %s", r.status, r.body)
		}
		var d docView
		e.must(e.call("huyen.vanthu", "POST", "/api/v1/documents/incoming", map[string]any{"unit": demo.DistrictCode, "medium": "paper",
			"sender": map[string]any{"organ_id": demo.ProvinceCode, "name": "UBND tỉnh Ninh Bình"}, "code_number": "77", "code_notation": "UBND-VX",
			"issued_date": "2026-01-05", "type": "CV", "subject": "V/v lưu trữ hồ sơ", "page_amount": 3}, &d), 201)
		var after report.DocumentsReport
		e.must(e.call("huyen.lanhdao", "GET", rpath, nil, &after), 200)
		if after.Total.Total != before.Total.Total+1 || after.Total.ByState["registered"] != before.Total.ByState["registered"]+1 || after.Unit != demo.DistrictCode {
			t.Fatalf("report before %+v after %+v", before.Total, after.Total)
		}

		var f document.WorkFile
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/work-files", map[string]any{"unit": demo.DistrictCode, "file_notation": "03.VP",
			"title": "Hồ sơ lưu trữ năm 2026", "maintenance": "10 năm", "start_date": "2026-01-02"}, &f), 201)
		if r := e.call("huyen.giamsat", "POST", "/api/v1/work-files/"+itoa(f.ID)+"/documents", map[string]any{"document_id": d.ID}, nil); r.status != 403 {
			t.Fatalf("a supervisor files a document: %d %s", r.status, r.body)
		}
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/work-files/"+itoa(f.ID)+"/documents", map[string]any{"document_id": d.ID}, &f,
			"If-Match", `"1"`), 200)
		if f.DocTotal != 1 || f.PageTotal != 3 || len(f.Items) != 1 || f.Items[0].DocOrdinal != 1 {
			t.Fatalf("filed: %+v", f)
		}
		var list struct {
			WorkFiles []document.WorkFile `json:"work_files"`
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/work-files?unit="+demo.DistrictCode, nil, &list), 200)
		if len(list.WorkFiles) != 1 || list.WorkFiles[0].FileCode != demo.DistrictCode+".2026.03.VP" {
			t.Fatalf("list: %+v", list)
		}
		x := e.must(e.call("huyen.giamsat", "GET", "/api/v1/work-files/"+itoa(f.ID)+"/export?format=xml", nil, nil), 200)
		var fx document.FileXML
		if err := xml.Unmarshal(x.body, &fx); err != nil || !strings.HasPrefix(x.header.Get("Content-Type"), "application/xml") ||
			fx.DocTotal != 1 || len(fx.Documents) != 1 || fx.Documents[0].CodeNumber != "77" {
			t.Fatalf("XML export: %v %s %s", err, x.header.Get("Content-Type"), x.body)
		}
		p := e.must(e.call("huyen.giamsat", "GET", "/api/v1/work-files/"+itoa(f.ID)+"/export", nil, nil), 200)
		if !bytes.HasPrefix(p.body, []byte("%PDF-")) || p.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF export: %s", p.header.Get("Content-Type"))
		}
		if r := e.call("huyen.chuyenvien", "POST", "/api/v1/work-files/"+itoa(f.ID)+"/actions/nope", nil, nil); r.status != 422 || r.errCode() != "work_file_action_unknown" {
			t.Fatalf("unknown action: %d %s", r.status, r.body)
		}
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/work-files/"+itoa(f.ID)+"/actions/close", nil, &f), 200)
		if f.State != document.FileClosed || f.ArchiveDue == "" {
			t.Fatalf("closed: %+v", f)
		}
		if r := e.call("gialam.lanhdao", "GET", "/api/v1/work-files/"+itoa(f.ID), nil, nil); r.status != 404 {
			t.Fatalf("another organ reads the file: %d", r.status)
		}
	})
}
