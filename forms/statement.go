package forms

import (
	"time"

	"github.com/motcua/motcua/typeset"
)

// A statement is a statistical table printed as an official document: a
// periodic report such as Biểu II.06a/VPCP/KSTT. It has the heading of
// Decree 30 (the reporting unit, Quốc hiệu and motto), the form's symbol
// in the top right corner, a title, the period, and a bordered table whose
// headings span rows and columns, repeated on every page. The report
// package says what the cells hold; this file only lays them out.

// HeadCell is one cell of a table's headings, spanning RowSpan rows and
// ColSpan columns from Row, Col (0-based).
type HeadCell struct {
	Text             string
	Row, Col         int
	RowSpan, ColSpan int
}

// Column is one column of a statement: width in millimetres, and whether
// its cells are figures (right-aligned) or centred; else left-aligned text.
type Column struct {
	Width           float64
	Figure, Centred bool
}

// Statement is what StatementPDF prints.
type Statement struct {
	Parent, Issuer string   // the reporting unit's parent and the unit, in the heading
	Symbol         string   // the form's symbol, top right: "Biểu số II.06a/VPCP/KSTT"
	Title          string   // bold, centred
	Sub            []string // bold lines under the title: the period
	Notes          []string // regular lines under those
	Columns        []Column
	Head           []HeadCell
	Rows           [][]string
	Bold           []bool   // rows set in bold (totals), by index
	After          []string // paragraphs under the table
	Created        time.Time
	Landscape      bool
}

// StatementPDF lays a statement out as a PDF in the forms' type (Liberation
// Serif, embedded) and margins; a caller needs no forms.Service.
func StatementPDF(st Statement) ([]byte, error) {
	fs, err := typeset.LoadFonts()
	if err != nil {
		return nil, err
	}
	d := newDoc(fs, st.Landscape, meta{Title: st.Title, Author: st.Issuer, Subject: st.Symbol, Created: st.Created})
	if st.Symbol != "" {
		d.Font(boldItalic, 11)
		d.Text(d.M.Left+d.Width()-d.Measure(st.Symbol), d.M.Top/2+4, st.Symbol)
	}
	d.head(heading{Parent: st.Parent, Issuer: st.Issuer, Title: st.Title, Sub: st.Sub, Notes: st.Notes})
	cols := make([]column, len(st.Columns))
	for i, c := range st.Columns {
		cols[i] = column{width: c.Width, align: left}
		switch {
		case c.Figure:
			cols[i].align = right
		case c.Centred:
			cols[i].align = center
		}
	}
	d.drawTable(table{cols: cols, head: st.Head, rows: st.Rows, bold: st.Bold, size: 9.5, maxLines: 6})
	for _, p := range st.After {
		d.Paragraph(p, para{Style: italic, Size: 11, Align: left, Before: 4})
	}
	out, err := d.finish()
	if err != nil {
		return nil, err
	}
	return out.pdf, nil
}

// bands measures the heading rows of t: the height of each and in all. A
// row is as tall as its tallest cell that spans it alone; a cell spanning
// several rows that needs more than they give stretches the last of them.
func (d *doc) bands(t table, xs []float64) ([]float64, float64) {
	d.Font(bold, t.size)
	lh := d.LineHeight()
	n := 0
	for _, c := range t.head {
		n = max(n, c.Row+c.RowSpan)
	}
	h := make([]float64, n)
	need := func(c HeadCell) float64 {
		w := xs[c.Col+c.ColSpan] - xs[c.Col] - 2*padX
		return float64(len(d.Wrap(c.Text, w, w)))*lh + 2*padY
	}
	for _, c := range t.head {
		if c.RowSpan == 1 {
			h[c.Row] = max(h[c.Row], need(c))
		}
	}
	for _, c := range t.head {
		if c.RowSpan > 1 {
			got := 0.0
			for r := c.Row; r < c.Row+c.RowSpan; r++ {
				got += h[r]
			}
			if extra := need(c) - got; extra > 0 {
				h[c.Row+c.RowSpan-1] += extra
			}
		}
	}
	total := 0.0
	for _, v := range h {
		total += v
	}
	return h, total
}

// spannedHeader draws t's heading cells, bold and centred, at the current y.
func (d *doc) spannedHeader(t table, xs []float64) {
	h, total := d.bands(t, xs)
	top := make([]float64, len(h)+1)
	for i, v := range h {
		top[i+1] = top[i] + v
	}
	d.Font(bold, t.size)
	lh := d.LineHeight()
	for _, c := range t.head {
		x1, x2 := xs[c.Col], xs[c.Col+c.ColSpan]
		y, ch := d.Y+top[c.Row], top[c.Row+c.RowSpan]-top[c.Row]
		w := x2 - x1 - 2*padX
		lines := d.Wrap(c.Text, w, w)
		ty := y + (ch-float64(len(lines))*lh)/2
		for _, ln := range lines {
			d.Text(x1+padX+(w-d.Measure(ln))/2, d.Baseline(ty), ln)
			ty += lh
		}
		d.Line(x1, y, x2, y)
		d.Line(x1, y+ch, x2, y+ch)
		d.Line(x1, y, x1, y+ch)
		d.Line(x2, y, x2, y+ch)
	}
	d.Y += total
}
