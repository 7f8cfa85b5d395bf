package document

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document/layout"
)

// FileXML is a work file as XML with the element names of Decree 30
// Appendix VI Part II: the file level (FileCode = OrganId + FileCatalog +
// FileNotation, Title, Maintenance, Rights, Creator, Language, StartDate,
// EndDate, DocTotal, PageTotal, Description) and one Document per item
// with DocOrdinal and the document-level names.
type FileXML struct {
	XMLName      xml.Name      `xml:"File"`
	FileCode     string        `xml:"FileCode"`
	OrganId      string        `xml:"OrganId"`
	FileCatalog  int           `xml:"FileCatalog"`
	FileNotation string        `xml:"FileNotation"`
	Title        string        `xml:"Title"`
	Maintenance  string        `xml:"Maintenance"`
	Rights       string        `xml:"Rights"`
	Creator      string        `xml:"Creator"`
	Language     string        `xml:"Language"`
	StartDate    string        `xml:"StartDate"`
	EndDate      string        `xml:"EndDate"`
	DocTotal     int           `xml:"DocTotal"`
	PageTotal    int           `xml:"PageTotal"`
	Description  string        `xml:"Description"`
	Documents    []DocumentXML `xml:"Document"`
}

// DocumentXML is one document of a file (Appendix VI, document level).
type DocumentXML struct {
	DocOrdinal   int    `xml:"DocOrdinal"`
	TypeName     string `xml:"TypeName"`
	CodeNumber   string `xml:"CodeNumber"`
	CodeNotation string `xml:"CodeNotation"`
	IssuedDate   string `xml:"IssuedDate"`
	OrganName    string `xml:"OrganName"`
	Subject      string `xml:"Subject"`
	Language     string `xml:"Language"`
	PageAmount   int    `xml:"PageAmount"`
	Description  string `xml:"Description"`
}

// ExportFileXML returns work file id as XML (FileXML), for a who may read it.
func (s *Service) ExportFileXML(ctx context.Context, a *auth.Actor, id int64) ([]byte, *WorkFile, error) {
	f, err := s.GetFile(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	x := FileXML{FileCode: f.FileCode, OrganId: f.Unit, FileCatalog: f.FileCatalog, FileNotation: f.FileNotation, Title: f.Title,
		Maintenance: f.Maintenance, Rights: f.Rights, Creator: f.Creator, Language: f.Language, StartDate: f.StartDate,
		EndDate: f.EndDate, DocTotal: f.DocTotal, PageTotal: f.PageTotal, Description: f.Description}
	for _, it := range f.Items {
		x.Documents = append(x.Documents, DocumentXML{DocOrdinal: it.DocOrdinal, TypeName: it.TypeName, CodeNumber: it.CodeNumber,
			CodeNotation: it.CodeNotation, IssuedDate: it.IssuedDate, OrganName: it.OrganName, Subject: it.Subject,
			Language: it.Language, PageAmount: it.PageAmount, Description: it.Description})
	}
	out, err := xml.MarshalIndent(x, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), f, nil
}

// ExportFilePDF returns work file id as a PDF: its cover (the file-level
// metadata) and the list of its documents (mục lục văn bản) in DocOrdinal
// order, set in Liberation Serif (package layout's fonts).
func (s *Service) ExportFilePDF(ctx context.Context, a *auth.Actor, id int64) ([]byte, *WorkFile, error) {
	f, err := s.GetFile(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := newSheet(f.FileCode, f.Creator)
	if err != nil {
		return nil, nil, err
	}
	p.centred(layout.Bold, 13, f.Creator)
	p.gap(24)
	p.centred(layout.Bold, 16, "HỒ SƠ")
	p.centred(layout.Bold, 14, f.Title)
	p.gap(12)
	end := f.EndDate
	if end == "" {
		end = "…"
	}
	for _, l := range [][2]string{
		{"Mã hồ sơ (FileCode)", f.FileCode},
		{"Năm hình thành (FileCatalog)", strconv.Itoa(f.FileCatalog)},
		{"Số và ký hiệu hồ sơ (FileNotation)", f.FileNotation},
		{"Thời hạn bảo quản (Maintenance)", f.Maintenance},
		{"Chế độ sử dụng (Rights)", f.Rights},
		{"Ngôn ngữ (Language)", f.Language},
		{"Thời gian (StartDate – EndDate)", f.StartDate + " – " + end},
		{"Tổng số văn bản (DocTotal)", strconv.Itoa(f.DocTotal)},
		{"Tổng số trang (PageTotal)", strconv.Itoa(f.PageTotal)},
		{"Ghi chú (Description)", f.Description},
	} {
		p.para(layout.Regular, 12, l[0]+": "+l[1], 0)
	}
	p.gap(16)
	p.centred(layout.Bold, 14, "MỤC LỤC VĂN BẢN")
	p.gap(6)
	for _, it := range f.Items {
		number := it.CodeNumber
		if it.CodeNotation != "" {
			number += "/" + it.CodeNotation
		}
		head := fmt.Sprintf("%d. %s %s", it.DocOrdinal, it.TypeName, number)
		if it.IssuedDate != "" {
			head += ", ngày " + it.IssuedDate
		}
		p.para(layout.Bold, 12, head, 0)
		p.para(layout.Regular, 12, "Cơ quan ban hành: "+it.OrganName, 18)
		p.para(layout.Regular, 12, "Trích yếu: "+it.Subject, 18)
		p.para(layout.Regular, 12, "Số trang: "+strconv.Itoa(it.PageAmount), 18)
		p.gap(4)
	}
	out, err := p.finish()
	return out, f, err
}

// sheet is a plain A4 page flow for exports (margins as Decree 30's).
type sheet struct {
	pdf   gopdf.GoPdf
	y     float64
	fonts map[layout.Style]string
	err   error
}

const (
	sheetLeft, sheetRight, sheetTop, sheetBottom = 85.0, 42.5, 56.7, 56.7
)

func newSheet(title, author string) (*sheet, error) {
	p := &sheet{fonts: map[layout.Style]string{}}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.pdf.SetInfo(gopdf.PdfInfo{Title: norm.NFC.String(title), Author: norm.NFC.String(author), Creator: "motcua"})
	for st, name := range map[layout.Style]string{layout.Regular: "serif", layout.Bold: "serif-bold"} {
		data, err := layout.Font(st)
		if err != nil {
			return nil, err
		}
		if err := p.pdf.AddTTFFontData(name, data); err != nil {
			return nil, err
		}
		p.fonts[st] = name
	}
	p.pdf.AddPage()
	p.y = sheetTop
	return p, nil
}

func (p *sheet) fail(err error) {
	if err != nil && p.err == nil {
		p.err = err
	}
}

func (p *sheet) gap(h float64) { p.y += h }

func (p *sheet) width() float64 { return gopdf.PageSizeA4.W - sheetLeft - sheetRight }

func (p *sheet) line(st layout.Style, size float64, x float64, s string) {
	if p.y+size*1.3 > gopdf.PageSizeA4.H-sheetBottom {
		p.pdf.AddPage()
		p.y = sheetTop
	}
	p.fail(p.pdf.SetFont(p.fonts[st], "", size))
	p.pdf.SetXY(x, p.y+size)
	p.fail(p.pdf.Text(s))
	p.y += size * 1.3
}

func (p *sheet) wrap(st layout.Style, size float64, s string, w float64) []string {
	p.fail(p.pdf.SetFont(p.fonts[st], "", size))
	s = norm.NFC.String(s)
	if s == "" {
		return []string{""}
	}
	lines, err := p.pdf.SplitTextWithWordWrap(s, w)
	p.fail(err)
	return lines
}

// para writes s wrapped to the width, indented by indent points.
func (p *sheet) para(st layout.Style, size float64, s string, indent float64) {
	for _, l := range p.wrap(st, size, s, p.width()-indent) {
		p.line(st, size, sheetLeft+indent, l)
	}
}

// centred writes s centred, wrapped to the width.
func (p *sheet) centred(st layout.Style, size float64, s string) {
	for _, l := range p.wrap(st, size, s, p.width()) {
		w, err := p.pdf.MeasureTextWidth(l)
		p.fail(err)
		p.line(st, size, sheetLeft+(p.width()-w)/2, l)
	}
}

func (p *sheet) finish() ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	var b bytes.Buffer
	if _, err := p.pdf.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
