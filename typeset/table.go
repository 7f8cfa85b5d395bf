package typeset

// Column is one column of a Table.
type Column struct {
	// Width is the column's share of the table's width: the columns are
	// scaled to fill it, so a register's columns keep their proportions
	// whatever the margins.
	Width float64
	// Align sets the body cells' lines; header cells are centred.
	Align Align
}

// Row is one row of a Table: its cells, one a column (missing ones are
// empty), in one face.
type Row struct {
	Cells []string
	Style Style
}

// Table is a bordered table whose cells wrap, and whose header rows are
// drawn again at the top of every page the table runs over (the column
// titles of a register printed over many pages).
type Table struct {
	Cols []Column
	// Head are the header rows, their cells centred in both directions.
	Head []Row
	// Size is the cells' font size; 0 is 13.
	Size float64
	// PadX and PadY are a cell's inner margins; 0 is 1.4 mm and 1 mm.
	PadX, PadY float64
	// X and W are the table's left edge and width; W == 0 is the text width.
	X, W float64
}

// Table draws t with rows at the current y and leaves Y below it. Pages
// break between rows, the header kept with the first row; a row taller
// than a page under the header is split between its lines, so no text is
// ever cut.
func (d *Doc) Table(t Table, rows []Row) {
	if t.Size == 0 {
		t.Size = 13
	}
	if t.PadX == 0 {
		t.PadX = 1.4 * MM
	}
	if t.PadY == 0 {
		t.PadY = 1 * MM
	}
	if t.W == 0 {
		t.X, t.W = d.M.Left, d.Width()
	}
	total := 0.0
	for _, c := range t.Cols {
		total += c.Width
	}
	xs := make([]float64, len(t.Cols)+1)
	xs[0] = t.X
	for i, c := range t.Cols {
		xs[i+1] = xs[i] + c.Width/total*t.W
	}
	tb := &table{Table: t, d: d, xs: xs}
	head := make([][][]string, len(t.Head))
	for i, r := range t.Head {
		head[i] = tb.wrap(r)
		tb.headH += tb.height(head[i])
	}
	body := make([][][]string, len(rows))
	for i, r := range rows {
		body[i] = tb.wrap(r)
	}
	header := func() {
		for i, r := range t.Head {
			tb.drawHead(head[i], r.Style)
		}
		tb.top = d.Y
	}
	first := 0.0
	if len(body) > 0 {
		first = min(tb.height(body[0]), d.Bottom()-d.M.Top-tb.headH)
	}
	d.Need(tb.headH + first)
	header()
	prev := d.Repeat
	d.Repeat = header
	for i, r := range rows {
		tb.drawRow(body[i], r.Style)
	}
	d.Repeat = prev
}

// table is a Table being drawn: its column edges, the header's height,
// and the y below the header on the current page.
type table struct {
	Table
	d     *Doc
	xs    []float64
	headH float64
	top   float64
}

// wrap breaks a row's cells into lines in the row's face; an empty cell
// is one empty line.
func (tb *table) wrap(r Row) [][]string {
	d := tb.d
	d.Font(r.Style, tb.Size)
	cells := make([][]string, len(tb.Cols))
	for i := range tb.Cols {
		s := ""
		if i < len(r.Cells) {
			s = r.Cells[i]
		}
		w := tb.xs[i+1] - tb.xs[i] - 2*tb.PadX
		cells[i] = d.Wrap(s, w, w)
	}
	return cells
}

func (tb *table) lead() float64 { return tb.Size * 1.2 }

func lines(cells [][]string) int {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}

func (tb *table) height(cells [][]string) float64 {
	return float64(lines(cells))*tb.lead() + 2*tb.PadY
}

// drawHead draws one header row, each cell's lines centred in its box.
func (tb *table) drawHead(cells [][]string, st Style) {
	d := tb.d
	d.Font(st, tb.Size)
	h := tb.height(cells)
	for i, c := range cells {
		w := tb.xs[i+1] - tb.xs[i] - 2*tb.PadX
		save := d.Y
		d.Y += (h - float64(len(c))*tb.lead()) / 2
		for _, ln := range c {
			d.DrawLine(ln, tb.xs[i]+tb.PadX, w, AlignCenter, true)
			d.Y += tb.lead()
		}
		d.Y = save
	}
	tb.box(d.Y, h)
	d.Y += h
}

// drawRow draws one body row: on this page if it fits, else on the next
// (after the header again); a row that fits no page is split, as many of
// its lines on each page as there is room for.
func (tb *table) drawRow(cells [][]string, st Style) {
	d := tb.d
	n, lead := lines(cells), tb.lead()
	for from := 0; from < n; {
		room := int((d.Bottom() - d.Y - 2*tb.PadY) / lead)
		rest := n - from
		fresh := d.Y <= tb.top // nothing under the header yet
		if room < rest && !fresh && (from > 0 || room < 1 || tb.fits(rest)) {
			d.AddPage() // draws the header again, through Repeat
			continue
		}
		k := min(rest, max(room, 1)) // a page too short for one line still takes one
		d.Font(st, tb.Size)
		for i, c := range cells {
			w := tb.xs[i+1] - tb.xs[i] - 2*tb.PadX
			save := d.Y
			d.Y += tb.PadY
			for j := from; j < min(from+k, len(c)); j++ {
				d.DrawLine(c[j], tb.xs[i]+tb.PadX, w, tb.Cols[i].Align, true)
				d.Y += lead
			}
			d.Y = save
		}
		h := float64(k)*lead + 2*tb.PadY
		tb.box(d.Y, h)
		d.Y += h
		from += k
	}
}

// fits says whether n lines fit a new page under the header.
func (tb *table) fits(n int) bool {
	return float64(n)*tb.lead()+2*tb.PadY <= tb.d.Bottom()-tb.d.M.Top-tb.headH
}

// box draws the borders of one row's cells.
func (tb *table) box(y, h float64) {
	d, xs := tb.d, tb.xs
	d.Line(xs[0], y, xs[len(xs)-1], y)
	d.Line(xs[0], y+h, xs[len(xs)-1], y+h)
	for _, x := range xs {
		d.Line(x, y, x, y+h)
	}
}
