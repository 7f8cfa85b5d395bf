package chart_test

import (
	"encoding/xml"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/chart"
)

// node is a parsed element: enough of the tree to check a drawing.
type node struct {
	name  string
	attrs map[string]string
	text  string
	kids  []*node
}

// parse reads the output as XML: it must be well-formed.
func parse(t *testing.T, h template.HTML) *node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(h)))
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, h)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(tok)
		}
	}
	if len(stack) != 1 {
		t.Fatalf("unclosed elements in\n%s", h)
	}
	return root
}

// all lists the elements named name (with class, when given).
func (n *node) all(name, class string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name == name && (class == "" || k.attrs["class"] == class) {
			out = append(out, k)
		}
		out = append(out, k.all(name, class)...)
	}
	return out
}

func (n *node) float(t *testing.T, attr string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attrs[attr], 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", attr, n.attrs[attr], err)
	}
	return f
}

func sample() chart.Chart {
	return chart.Chart{
		ID: "c1", Title: "Hồ sơ theo tháng", Desc: "Số hồ sơ tiếp nhận và giải quyết", Category: "Tháng", TableLabel: "Bảng số liệu",
		Labels: []string{"01/2022", "02/2022", "03/2022", "04/2022"},
		Series: []chart.Series{{Name: "Tiếp nhận", Values: []float64{40, 10, 0, 25}}, {Name: "Đã giải quyết", Values: []float64{20, 30, 5, 25}}},
	}
}

// TestAccessibleImage: every kind of chart is an SVG image named by its
// title and described by its desc, with a table of the same figures.
func TestAccessibleImage(t *testing.T) {
	for name, draw := range map[string]func(chart.Chart) template.HTML{"bars": chart.Bars, "line": chart.Line, "hbars": chart.HBars} {
		t.Run(name, func(t *testing.T) {
			c := sample()
			root := parse(t, draw(c))
			svgs := root.all("svg", "")
			if len(svgs) != 1 {
				t.Fatalf("%d svg elements, want 1", len(svgs))
			}
			svg := svgs[0]
			if svg.attrs["role"] != "img" || svg.attrs["aria-labelledby"] != "c1-title c1-desc" || svg.attrs["width"] != "100%" || svg.attrs["viewBox"] == "" {
				t.Errorf("svg attributes %v", svg.attrs)
			}
			titles := svg.all("title", "")
			if len(titles) == 0 || titles[0].attrs["id"] != "c1-title" || titles[0].text != c.Title {
				t.Errorf("first title %+v, want id c1-title and %q", titles[0], c.Title)
			}
			if d := svg.all("desc", ""); len(d) != 1 || d[0].text != c.Desc {
				t.Errorf("desc %+v", d)
			}
			if len(root.all("script", "")) != 0 {
				t.Error("a chart carries a script")
			}
			// The table behind it: a header per series, a row per label,
			// the values as drawn.
			tables := root.all("table", "")
			if len(tables) != 1 || len(root.all("details", "")) != 1 {
				t.Fatalf("want one table in a details element")
			}
			rows := tables[0].all("tr", "")
			if len(rows) != 1+len(c.Labels) {
				t.Fatalf("%d table rows, want a header and %d", len(rows), len(c.Labels))
			}
			if h := rows[0].all("th", ""); len(h) != 3 || h[1].text != "Tiếp nhận" || h[2].text != "Đã giải quyết" {
				t.Errorf("table header %v", h)
			}
			if cells := rows[1].all("td", ""); cells[0].text != "40" || cells[1].text != "20" {
				t.Errorf("first row %s %s, want 40 20", cells[0].text, cells[1].text)
			}
		})
	}
}

// TestBarsProportional: a bar's length is its value's share of the axis,
// in both directions.
func TestBarsProportional(t *testing.T) {
	c := sample()
	bars := parse(t, chart.Bars(c)).all("rect", "bar")
	var vals []float64
	for i := range c.Labels {
		for _, s := range c.Series {
			vals = append(vals, s.Values[i])
		}
	}
	if len(bars) != len(vals) {
		t.Fatalf("%d bars for %d values", len(bars), len(vals))
	}
	top := bars[0].float(t, "height") / vals[0] // 40 is the largest: the full height
	for i, b := range bars {
		if got, want := b.float(t, "height"), vals[i]*top; math.Abs(got-want) > 0.02 {
			t.Errorf("bar %d: height %v, want %v (value %v)", i, got, want, vals[i])
		}
	}
	// Bars stand on one baseline.
	base := bars[0].float(t, "y") + bars[0].float(t, "height")
	for i, b := range bars {
		if y := b.float(t, "y") + b.float(t, "height"); math.Abs(y-base) > 0.02 {
			t.Errorf("bar %d ends at %v, others at %v", i, y, base)
		}
	}

	h := chart.Chart{ID: "h", Title: "Tỉ lệ đúng hạn", Labels: []string{"A", "B", "C"}, Suffix: "%", Max: 100,
		Series: []chart.Series{{Name: "Đúng hạn", Values: []float64{100, 50, 12.5}}}}
	hb := parse(t, chart.HBars(h)).all("rect", "bar")
	if len(hb) != 3 {
		t.Fatalf("%d horizontal bars, want 3", len(hb))
	}
	full := hb[0].float(t, "width")
	for i, v := range h.Series[0].Values {
		if got := hb[i].float(t, "width"); math.Abs(got-full*v/100) > 0.02 {
			t.Errorf("bar %d: width %v, want %v", i, got, full*v/100)
		}
	}
}

// TestLabelsEscaped: a unit or series named with markup stays text, in
// the drawing and in the table.
func TestLabelsEscaped(t *testing.T) {
	evil := `<script>alert("x")</script> & 'co'`
	c := chart.Chart{ID: `a"b`, Title: evil, Desc: evil, Category: evil, TableLabel: evil, Labels: []string{evil},
		Series: []chart.Series{{Name: evil, Values: []float64{1}}}}
	for name, draw := range map[string]func(chart.Chart) template.HTML{"bars": chart.Bars, "line": chart.Line, "hbars": chart.HBars} {
		out := draw(c)
		if strings.Contains(string(out), "<script") {
			t.Errorf("%s: markup from a label reached the output", name)
		}
		root := parse(t, out)
		if len(root.all("script", "")) != 0 {
			t.Errorf("%s: a script element", name)
		}
		found := false
		for _, th := range root.all("th", "") {
			found = found || th.text == evil
		}
		if !found {
			t.Errorf("%s: the label does not read back as text", name)
		}
	}
}

// TestValuesInVietnamese: decimals with a comma, the suffix after, and a
// missing value (NaN) drawn as nothing and shown as a dash.
func TestValuesInVietnamese(t *testing.T) {
	c := chart.Chart{ID: "v", Title: "t", Labels: []string{"A", "B"}, Suffix: "%", Decimals: 1,
		Series: []chart.Series{{Name: "s", Values: []float64{87.26, math.NaN()}}}}
	root := parse(t, chart.HBars(c))
	cells := root.all("td", "")
	if cells[0].text != "87,3%" || cells[1].text != "–" {
		t.Errorf("cells %q %q", cells[0].text, cells[1].text)
	}
	if n := len(root.all("rect", "bar")); n != 1 {
		t.Errorf("%d bars for one value", n)
	}
}
