package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// LegalDoc is one legal document a procedure rests on (căn cứ pháp lý),
// with the articles the procedure relies on.
type LegalDoc struct {
	// Type is the kind of document: "Luật", "Nghị định", "Thông tư", "Quyết định"…
	Type string `json:"type,omitempty"`
	// Number is the document's number and symbol, e.g. "123/2015/NĐ-CP".
	Number string `json:"number,omitempty"`
	// Date is the date of issue, YYYY-MM-DD.
	Date string `json:"date,omitempty"`
	// Issuer is who issued it, e.g. "Chính phủ", "Bộ Tư pháp", "Quốc hội".
	Issuer string `json:"issuer,omitempty"`
	// Title is the summary (trích yếu); for a law, its name ("Hộ tịch").
	Title string `json:"title,omitempty"`
	// Articles are the article numbers cited ("16", "17a"); empty when
	// the whole document is cited or the articles are not verified.
	Articles []string `json:"articles,omitempty"`
	// Text is the citation as free text, for versions stored before the
	// basis was structured (a JSON string); empty otherwise.
	Text string `json:"text,omitempty"`
}

// UnmarshalJSON reads a structured document or, for versions stored
// before issue 10, a plain string, which becomes Text.
func (d *LegalDoc) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return err
		}
		*d = LegalDoc{Text: s}
		return nil
	}
	type plain LegalDoc // no UnmarshalJSON: no recursion
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*d = LegalDoc(p)
	return nil
}

// Cite is the document as cited in Vietnamese, without the articles:
// "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định…";
// a law puts its name before the number ("Luật Hộ tịch số 60/2014/QH13").
func (d LegalDoc) Cite() string {
	if d.Number == "" {
		return d.Text
	}
	law := d.Type == "Luật" || d.Type == "Bộ luật"
	var b strings.Builder
	b.WriteString(d.Type)
	if law && d.Title != "" {
		b.WriteString(" " + d.Title)
	}
	b.WriteString(" số " + d.Number)
	if t, err := time.Parse(time.DateOnly, d.Date); err == nil {
		b.WriteString(" ngày " + t.Format("02/01/2006"))
	}
	if d.Issuer != "" && !law {
		b.WriteString(" của " + d.Issuer)
	}
	if d.Title != "" && !law {
		b.WriteString(" " + d.Title)
	}
	return b.String()
}

// String is the citation with its articles first, the way a decision
// cites them: "Điều 5, Điều 6 Nghị định số …".
func (d LegalDoc) String() string {
	if len(d.Articles) == 0 {
		return d.Cite()
	}
	arts := make([]string, len(d.Articles))
	for i, a := range d.Articles {
		arts[i] = "Điều " + a
	}
	return strings.Join(arts, ", ") + " " + d.Cite()
}

var (
	// legalNumberRE is a document's number and symbol: "60/2014/QH13",
	// "123/2015/NĐ-CP", "04/2020/TT-BTP", "85/2019/TT-BTC".
	legalNumberRE = regexp.MustCompile(`^\d{1,4}/\d{4}/[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$`)
	articleRE     = regexp.MustCompile(`^\d{1,3}[a-zđ]?$`)
	legalTypes    = []string{"Luật", "Bộ luật", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư", "Thông tư liên tịch"}
)

func (c *checker) validateLegalBasis(docs []LegalDoc) {
	if len(docs) == 0 {
		c.addf("legal_basis", "phải có ít nhất một căn cứ pháp lý")
	}
	seen := map[string]bool{}
	for i, d := range docs {
		path := fmt.Sprintf("legal_basis[%d]", i)
		if d.Number == "" {
			// Old free-text form: still accepted, but must say something.
			c.required(path+".text", d.Text)
			continue
		}
		if d.Text != "" {
			c.addf(path+".text", "căn cứ đã có số hiệu thì không ghi text tự do")
		}
		if !legalNumberRE.MatchString(d.Number) {
			c.addf(path+".number", "số hiệu %q không đúng dạng (ví dụ 123/2015/NĐ-CP)", d.Number)
		}
		if seen[d.Number] {
			c.addf(path+".number", "văn bản %s bị lặp", d.Number)
		}
		seen[d.Number] = true
		c.oneOf(path+".type", d.Type, legalTypes)
		if d.Date != "" {
			if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
				c.addf(path+".date", "ngày %q không đúng dạng YYYY-MM-DD", d.Date)
			}
		}
		seenArt := map[string]bool{}
		for j, a := range d.Articles {
			if !articleRE.MatchString(a) {
				c.addf(fmt.Sprintf("%s.articles[%d]", path, j), "số điều %q không hợp lệ (ví dụ 16 hoặc 17a)", a)
			}
			if seenArt[a] {
				c.addf(fmt.Sprintf("%s.articles[%d]", path, j), "điều %s bị lặp", a)
			}
			seenArt[a] = true
		}
	}
}
