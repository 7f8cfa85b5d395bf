package forms

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/unit"
)

var (
	nhoQuan  = unit.Unit{ID: 2, Code: "000.00.07.H40", Name: "UBND huyện Nho Quan", ShortName: "Nho Quan", Level: unit.District}
	tuPhap   = unit.Unit{ID: 3, Code: "000.30.07.H40", Name: "Phòng Tư pháp", Level: unit.District, ParentID: 2}
	communeA = agency{u: giaLam, parent: nhoQuan}
	officeA  = agency{u: tuPhap, parent: nhoQuan}
)

// TestAgencyHeadingAndSignature (issue 10, "Documents that carry the
// State's name", first and second bullets) reads forms 04, 05 and a result
// document back with pdftotext. A commune People's Committee heads them
// "ỦY BAN NHÂN DÂN" / "XÃ GIA LÂM" with no parent line (the old code
// printed "UBND HUYỆN NHO QUAN" above "UBND XÃ GIA LÂM"); a district's
// specialised office prints its managing body above its name. The
// signature block is the Decree 30 one for the leader who approved, by
// the position their account records (the old code printed whoever made
// the apology under "TM. ỦY BAN NHÂN DÂN" alone), then at least four
// blank lines, then the name.
func TestAgencyHeadingAndSignature(t *testing.T) {
	formstest.Require(t)
	s := testService(t)
	chair := leader{name: "Đặng Văn Quân", title: "Chủ tịch UBND xã"}
	vice := leader{name: "Lê Trần Hương", title: "Phó Chủ tịch UBND huyện"}
	head := leader{name: "Trần Văn Hùng", title: "Trưởng phòng Tư pháp"}
	deputy := leader{name: "Phạm Thu Hà", title: "Phó Trưởng phòng Tư pháp"}
	commune := []string{"ỦY BAN NHÂN DÂN", "XÃ GIA LÂM"}
	office := []string{"UBND HUYỆN NHO QUAN", "PHÒNG TƯ PHÁP"}
	tests := []struct {
		name    string
		form    string
		ag      agency
		l       leader
		heading []string // the left column's first lines, in order
		place   string
		block   []string // the signature block's position lines
	}{
		{"04 commune, chairman", Apology, communeA, chair, commune, "Gia Lâm, ngày", []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}},
		{"05 commune, vice-chairman", StopNotice, communeA, leader{name: "Đặng Văn Quân", title: "Phó Chủ tịch UBND xã"}, commune, "Gia Lâm, ngày",
			[]string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}},
		{"result commune, chairman", "result", communeA, chair, commune, "Gia Lâm, ngày", []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}},
		{"04 district office, head", Apology, officeA, head, office, "Nho Quan, ngày", []string{"TRƯỞNG PHÒNG"}},
		{"05 district office, deputy", StopNotice, officeA, deputy, office, "Nho Quan, ngày", []string{"KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"}},
		{"result district office, deputy", "result", officeA, deputy, office, "Nho Quan, ngày", []string{"KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"}},
		{"result district committee, vice-chairman", "result", agency{u: nhoQuan}, vice, []string{"ỦY BAN NHÂN DÂN", "HUYỆN NHO QUAN"}, "Nho Quan, ngày",
			[]string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh, e := variant(t, tt.form)
			var out *rendered
			var err error
			switch tt.form {
			case Apology:
				out, err = s.renderApology(sh, e, tt.ag, tt.l, 12)
			case StopNotice:
				out, err = s.renderStop(sh, e, tt.ag, tt.l, 2)
			default:
				// A construction permit: a result signed for the body.
				sh.p = builtin(t, "1.013225")
				out, err = s.renderResult(sh, tt.ag, tt.l, "07/GPXD-UBND", at(2, 14, 0), false)
			}
			if err != nil {
				t.Fatal(err)
			}
			// The left column of the heading: the page's top left, beside the national name.
			left := nonEmpty(formstest.TextIn(t, out.pdf, 0, 0, 280, 110))
			if len(left) < len(tt.heading) {
				t.Fatalf("heading %q, want %q", left, tt.heading)
			}
			for i, w := range tt.heading {
				if left[i] != w {
					t.Errorf("heading line %d is %q, want %q (heading %q)", i+1, left[i], w, left)
				}
			}
			if tt.ag.committee() && strings.Contains(strings.Join(left, "\n"), "HUYỆN NHO QUAN") && tt.ag.u.Name != nhoQuan.Name {
				t.Errorf("a People's Committee prints its parent: %q", left)
			}
			right := formstest.TextIn(t, out.pdf, 290, 0, 306, 842)
			if !strings.Contains(right, tt.place) {
				t.Errorf("right column lacks %q:\n%s", tt.place, right)
			}
			checkBlock(t, out.pdf, right, tt.block, tt.l.name)
		})
	}
}

// checkBlock finds the block's position lines one under the other, the
// hint under them, at least four blank lines and then the signer's name:
// in the text of the signature column, and measured on the page (the
// text mode's blank lines are only roughly proportional to the gap).
func checkBlock(t *testing.T, pdf []byte, column string, block []string, name string) {
	t.Helper()
	var hint, signer *formstest.Word
	first := strings.Fields(name)[0]
	for _, w := range formstest.Words(t, pdf) {
		if w.Page != 1 || w.XMin < 290 {
			continue
		}
		switch {
		case w.Text == "dấu)":
			hint = &w
		case w.Text == first && hint != nil && signer == nil:
			signer = &w
		}
	}
	// Four blank lines of 13 pt body text at single spacing (1.2).
	if hint == nil || signer == nil {
		t.Errorf("no hint or signer's name found on page 1 (%v, %v)", hint, signer)
	} else if gap := signer.YMin - hint.YMax; gap < 4*13*1.2 {
		t.Errorf("%.1f pt between the hint and the name, want at least four blank lines (%.1f pt)", gap, 4*13*1.2)
	}
	lines := strings.Split(column, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	start := -1
	for i, ln := range lines {
		if ln == block[0] {
			start = i
		}
	}
	if start < 0 {
		t.Fatalf("no line %q in the signature column:\n%s", block[0], column)
	}
	i := start
	for _, w := range block {
		if i >= len(lines) || lines[i] != w {
			t.Fatalf("signature block from line %d is %q, want %q", start, lines[start:min(len(lines), start+len(block)+1)], block)
		}
		i++
	}
	if i >= len(lines) || lines[i] != sealHint {
		t.Fatalf("no %q under the position: %q", sealHint, lines[start:min(len(lines), i+1)])
	}
	i++
	blank := 0
	for i < len(lines) && lines[i] == "" {
		blank++
		i++
	}
	if blank < 4 {
		t.Errorf("%d blank lines for the signature and seal, want at least 4", blank)
	}
	if i >= len(lines) || lines[i] != name {
		got := ""
		if i < len(lines) {
			got = lines[i]
		}
		t.Errorf("signer %q, want %q", got, name)
	}
}

func nonEmpty(text string) []string {
	var out []string
	for _, ln := range strings.Split(text, "\n") {
		if ln = strings.TrimSpace(ln); ln != "" {
			out = append(out, ln)
		}
	}
	return out
}

func TestSignerEvent(t *testing.T) {
	sh := sampleSheet(t)
	d := sh.d
	if e := signerEvent(d, nil); e == nil || e.Action != dossier.Approve || e.Actor != "Đặng Văn Quân" {
		t.Errorf("result signer %+v, want the approver", e)
	}
	// Stopped during processing before any approval: the leader who stopped it.
	d.History = d.History[:3]
	d.History = append(d.History, dossier.Event{Actor: "Lê Văn Bình", Role: "leader", Action: dossier.Stop})
	if e := signerEvent(d, &d.History[3]); e == nil || e.Actor != "Lê Văn Bình" {
		t.Errorf("stop signer %+v, want the leader who stopped", e)
	}
	// An apology by the desk before a leader acted: nobody yet (signed by hand).
	d.History = append(d.History[:3], dossier.Event{Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.Apologize})
	if e := signerEvent(d, &d.History[3]); e != nil {
		t.Errorf("apology signer %+v, want none", e)
	}
}

func TestSignBlock(t *testing.T) {
	for _, tt := range []struct {
		ag    agency
		title string
		want  string
	}{
		{communeA, "Chủ tịch UBND xã", "TM. Ủy ban nhân dân|Chủ tịch"},
		{communeA, "Phó Chủ tịch UBND xã", "TM. Ủy ban nhân dân|KT. Chủ tịch|Phó Chủ tịch"},
		{communeA, "", "TM. Ủy ban nhân dân|Chủ tịch"},
		{officeA, "Trưởng phòng Tư pháp", "Trưởng phòng"},
		{officeA, "phó trưởng phòng", "KT. Trưởng phòng|Phó Trưởng phòng"},
		{agency{u: unit.Unit{Name: "Sở Tư pháp"}, parent: unit.Unit{Name: "UBND tỉnh Ninh Bình"}}, "Phó Giám đốc Sở Tư pháp", "KT. Giám đốc|Phó Giám đốc"},
		{agency{u: unit.Unit{Name: "Văn phòng HĐND và UBND huyện"}, parent: nhoQuan}, "Chánh Văn phòng", "Chánh Văn phòng"},
	} {
		if got := strings.Join(signBlock(tt.ag, leader{title: tt.title}), "|"); got != tt.want {
			t.Errorf("signBlock(%s, %q) = %q, want %q", tt.ag.u.Name, tt.title, got, tt.want)
		}
	}
	for _, tt := range []struct {
		ag             agency
		parent, issuer string
		place          string
	}{
		{communeA, "", "Ủy ban nhân dân\nxã Gia Lâm", "Gia Lâm"},
		{agency{u: nhoQuan}, "", "Ủy ban nhân dân\nhuyện Nho Quan", "Nho Quan"},
		{officeA, "UBND huyện Nho Quan", "Phòng Tư pháp", "Nho Quan"},
	} {
		p, i := tt.ag.names()
		if p != tt.parent || i != tt.issuer || tt.ag.place() != tt.place {
			t.Errorf("%s: names %q, %q, place %q; want %q, %q, %q", tt.ag.u.Name, p, i, tt.ag.place(), tt.parent, tt.issuer, tt.place)
		}
	}
}
