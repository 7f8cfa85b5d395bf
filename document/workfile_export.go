package document

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/typeset"
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
// order, laid out by package typeset (Decree 30's A4 and margins,
// Liberation Serif embedded as subsets, page numbers from page 2). A
// secret document the reader may not see is not in f.Items (GetFile), so
// it is not in the list either.
func (s *Service) ExportFilePDF(ctx context.Context, a *auth.Actor, id int64) ([]byte, *WorkFile, error) {
	f, err := s.GetFile(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	out, err := renderFile(f)
	if err != nil {
		return nil, nil, fmt.Errorf("document: work file PDF: %w", err)
	}
	return out, f, nil
}

// The export's sizes: headings as a document's title, the rest in the
// decree's body size.
const (
	fileBody   = 13.0
	fileIndent = 6 * typeset.MM // an entry's lines under its heading
)

func renderFile(f *WorkFile) ([]byte, error) {
	fs, err := typeset.LoadFonts()
	if err != nil {
		return nil, err
	}
	// Dated by the file's last change, not the clock: the same file
	// exports to the same bytes.
	d := typeset.New(fs, false, typeset.Info{Title: f.FileCode, Author: f.Creator, Subject: f.Title, Created: f.UpdatedAt})
	// A code too long for its line (000.00.07.H40.2026.01.VP) breaks
	// after a dot or a dash rather than mid-part.
	d.BreakAfter = "-/.,"
	// The cover's heading is at the top of page 1 and bounded (a title
	// is at most 500 characters), so it needs no page break.
	d.Y = d.Centred(d.Left(), d.Width(), d.Y, []typeset.Styled{
		{Text: f.Creator, Style: typeset.Bold, Size: 13, Balance: true, After: 24},
		{Text: "HỒ SƠ", Style: typeset.Bold, Size: 16},
		{Text: f.Title, Style: typeset.Bold, Size: 14, Balance: true, After: 12},
	})
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
		d.Paragraph(l[0]+": "+l[1], typeset.Para{Size: fileBody, After: 2})
	}
	lead := fileBody * 1.2
	// The list's heading and an entry's heading do not end a page alone.
	d.Space(16)
	d.Need(14*1.2 + 6 + 2*lead)
	d.Paragraph("MỤC LỤC VĂN BẢN", typeset.Para{Style: typeset.Bold, Size: 14, Align: typeset.AlignCenter, After: 6})
	for _, it := range f.Items {
		number := it.CodeNumber
		if it.CodeNotation != "" {
			number += "/" + it.CodeNotation
		}
		head := fmt.Sprintf("%d. %s %s", it.DocOrdinal, it.TypeName, number)
		if it.IssuedDate != "" {
			head += ", ngày " + it.IssuedDate
		}
		d.Need(2 * lead)
		d.Paragraph(head, typeset.Para{Style: typeset.Bold, Size: fileBody})
		for _, l := range []string{"Cơ quan ban hành: " + it.OrganName, "Trích yếu: " + it.Subject, "Số trang: " + strconv.Itoa(it.PageAmount)} {
			d.Paragraph(l, typeset.Para{Size: fileBody, X: d.Left() + fileIndent, W: d.Width() - fileIndent})
		}
		d.Space(4)
	}
	return d.Finish()
}
