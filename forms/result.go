package forms

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// A procedure may declare its result document (a certificate, a decision,
// an extract…) as a catalog.ResultTemplate; Result fills it from the
// dossier and lays it out as an administrative document of the unit that
// decides. While the dossier is still being processed officers get a
// draft, unnumbered and marked as such.

// Result renders the result document of the dossier code as a sees it:
// the written refusal for a dossier refused during processing, the lời
// chứng for a certification, else the procedure's template. A procedure
// whose paper is printed on a controlled blank elsewhere has nothing to
// render (result_on_blank).
func (s *Service) Result(ctx context.Context, a *auth.Actor, code, base string) (*Document, error) {
	sh, err := s.load(ctx, a, code, base)
	if err != nil {
		return nil, err
	}
	t := sh.p.ResultTemplate
	if !HasResult(sh.d, sh.p, !a.IsCitizen()) {
		if t == nil && sh.p.ResultBlank != "" {
			return nil, problem.NotFound("result_on_blank", sh.p.ResultBlank)
		}
		if t == nil {
			return nil, problem.NotFound("no_result_template")
		}
		return nil, problem.New(problem.ErrState, "result_not_ready")
	}
	title, out, err := s.resultOf(ctx, sh)
	if err != nil {
		return nil, err
	}
	if err := s.dossiers.RecordRead(ctx, a, sh.d.UnitID(), "dossier:"+sh.d.Code, dossier.PrintForm, "ket-qua"); err != nil {
		return nil, err
	}
	return &Document{Name: "ket-qua-" + sh.d.Code + ".pdf", Title: title, PDF: out.pdf, Signature: out.spot}, nil
}

// resultOf numbers and renders the result of sh, whose dossier has one
// (HasResult), with its title.
func (s *Service) resultOf(ctx context.Context, sh *sheet) (string, *rendered, error) {
	t := sh.p.ResultTemplate
	switch {
	case sh.d.ResultRefused:
		out, err := s.refusalResult(ctx, sh)
		return refusalTitle, out, err
	case t == nil && sh.p.ResultBlank != "":
		return "", nil, problem.NotFound("result_on_blank", sh.p.ResultBlank)
	case t == nil:
		return "", nil, problem.NotFound("no_result_template")
	case t.Layout == catalog.CivilStatus:
		out, err := s.civilResult(ctx, sh)
		return t.Title, out, err
	case t.Kind == catalog.Attestation:
		out, err := s.attestation(ctx, sh)
		return t.Title, out, err
	}
	out, err := s.document(ctx, sh)
	return t.Title, out, err
}

// document numbers and renders the procedure's own result document.
func (s *Service) document(ctx context.Context, sh *sheet) (*rendered, error) {
	t := sh.p.ResultTemplate
	ag, l, err := s.issuedBy(ctx, sh)
	if err != nil {
		return nil, err
	}
	ag = ofOffice(ag, t)
	u := ag.u
	at, number, draft := sh.now, "……/"+t.Symbol+"-"+issuerAbbrev(u.Name), sh.d.ResultAt == nil
	if !draft {
		at = *sh.d.ResultAt
		n, err := s.number(ctx, u.ID, "KQ-"+t.Symbol, sh.d.Code, at)
		if err != nil {
			return nil, err
		}
		number = symbol(n, t.Symbol, true, u.Name)
	}
	return s.renderResult(sh, ag, l, number, at, draft)
}

// renderResult lays out the result document issued by ag: a template
// whose signer acts for the body ("TM. …") is signed by the leader l who
// approved, with the position their title gives; a template naming a
// position ("Chủ tịch", "Trưởng phòng") is signed in it, "KT." by a
// deputy; one naming a person's role keeps it. A template with Office
// is issued by that office of the committee ag; one with Articles is a
// decision (Decree 30/2020 Appendix I, form 1.4).
func (s *Service) renderResult(sh *sheet, ag agency, l leader, number string, at time.Time, draft bool) (*rendered, error) {
	t, d := sh.p.ResultTemplate, sh.d
	ag = ofOffice(ag, t)
	u := ag.u
	doc := newDoc(s.fonts, false, meta{Title: t.Title + " " + d.Code, Author: u.Name, Subject: d.ProcedureName, Created: at})
	if draft {
		doc.Paragraph("DỰ THẢO – chưa có giá trị pháp lý", para{Size: 11, Style: boldItalic, Align: right, After: 2})
	}
	var sub []string
	for _, line := range t.Subtitle {
		sub = append(sub, fill(line, sh, at))
	}
	doc.head(agencyHeading(ag, number, at, upper(t.Title), sub...))
	position := t.Signer
	switch {
	case len(position) > 0 && strings.HasPrefix(strings.ToUpper(nfc(position[0])), "TM."):
		position = signBlock(ag, l)
	case len(position) == 1:
		position = personalBlock(position[0], l)
	}
	if len(t.Articles) > 0 {
		doc.Paragraph(upper(authority(ag, position)), para{Size: 14, Style: bold, Align: center, After: 6})
		for _, b := range t.Basis {
			doc.Paragraph(fill(b, sh, at), para{Size: 14, Style: italic, Align: justify, Indent: 10 * mm, After: 3})
		}
		doc.Paragraph("QUYẾT ĐỊNH:", para{Size: 14, Style: bold, Align: center, Before: 6, After: 6})
	}
	for _, p := range t.Body {
		doc.Paragraph(fill(p, sh, at), body)
	}
	for _, p := range t.Articles {
		doc.Paragraph(fill(p, sh, at), body)
	}
	recipients := []string{"- " + d.Applicant.Name + ";"}
	if last := lastArticle(t.Articles); last != "" {
		// The last article names who carries the decision out (Decree 30/2020 Appendix I, form 1.4).
		recipients = []string{"- Như " + last + ";"}
	}
	for _, r := range t.Recipients {
		recipients = append(recipients, "- "+fill(r, sh, at)+";")
	}
	recipients = append(recipients, "- Lưu: VT, hồ sơ "+d.Code+".")
	doc.signatures(nil, &signer{Position: position, Hint: sealHint, Name: l.name}, recipients, sh.link())
	return doc.finish()
}

// lastArticle is the number of a decision's last article, "Điều 3", or "".
func lastArticle(articles []string) string {
	last := ""
	for _, a := range articles {
		if f := strings.Fields(a); len(f) > 1 && f[0] == "Điều" {
			last = "Điều " + strings.TrimSuffix(f[1], ".")
		}
	}
	return last
}

// ofOffice is the issuer of t: the committee's office t names, numbered
// in the committee's series (its unit id), or the committee itself.
func ofOffice(ag agency, t *catalog.ResultTemplate) agency {
	if t.Office != "" && ag.committee() {
		return agency{u: unit.Unit{ID: ag.u.ID, Name: t.Office}, parent: ag.u}
	}
	return ag
}

// personalBlock is the block of a document signed in a position rather
// than for the body: a deputy signs "KT. Chủ tịch / Phó Chủ tịch"
// (Decree 30/2020 Art. 13); any other signer signs in the position.
func personalBlock(pos string, l leader) []string {
	head, deputy := position(pos)
	if h, dep := position(l.title); !deputy && head != "" && dep && h == head {
		return []string{"KT. " + head, "Phó " + head}
	}
	return []string{pos}
}

// authority is the line naming who decides, above the "Căn cứ" of a
// decision: the committee for one signed on its behalf, else the head
// of the issuer ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ GIA LÂM").
func authority(ag agency, block []string) string {
	_, issuer := ag.names()
	issuer = strings.ReplaceAll(issuer, "\n", " ")
	if len(block) == 0 || strings.HasPrefix(strings.ToUpper(nfc(block[0])), "TM.") {
		return issuer
	}
	head, _ := position(block[len(block)-1])
	if head == "" {
		head = block[len(block)-1]
	}
	return head + " " + issuer
}

// fill replaces the placeholders of a template line with the dossier's
// data; an empty value prints as dots to be filled by hand.
func fill(text string, sh *sheet, at time.Time) string {
	d := sh.d
	return catalog.PlaceholderRE.ReplaceAllStringFunc(text, func(m string) string {
		name := catalog.PlaceholderRE.FindStringSubmatch(m)[1]
		if base, ok := strings.CutSuffix(name, catalog.Words); ok {
			return or(spelledValue(base, sh, at), "……………")
		}
		v := ""
		switch name {
		case "dossier.code":
			v = d.Code
		case "procedure.name":
			v = d.ProcedureName
		case "unit.name":
			v = d.UnitName
		case "applicant.name":
			v = d.Applicant.Name
		case "applicant.id_number":
			v = d.Applicant.IDNumber
		case "applicant.address":
			v = d.Applicant.Address
		case "applicant.phone":
			v = d.Applicant.Phone
		case "applicant.email":
			v = d.Applicant.Email
		case "received_date":
			if d.ReceivedAt != nil {
				v = dateVN(*d.ReceivedAt)
			}
		case "result_date":
			v = dateVN(at)
		default:
			if x, ok := sh.extra[name]; ok {
				v = x
			} else if key, ok := strings.CutPrefix(name, "form."); ok {
				v = formValue(sh.p, key, d.Form[key])
			}
		}
		return or(v, "……………")
	})
}

// formValue writes an e-form answer as a document does: dates as
// dd/mm/yyyy, large numbers with thousands separators.
func formValue(p catalog.Procedure, key, v string) string {
	for _, f := range p.Form {
		if f.Key != key || v == "" {
			continue
		}
		switch f.Type {
		case "date":
			if t, err := time.Parse("2006-01-02", v); err == nil {
				return t.Format("02/01/2006")
			}
		case "number":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 10000 {
				return vntext.Thousands(n)
			}
		}
	}
	return v
}

// issuedBy is who issues sh's result: the unit that decides (the lead
// of the processing units) and the leader who approved, who signs.
func (s *Service) issuedBy(ctx context.Context, sh *sheet) (agency, leader, error) {
	lead, _ := processingUnits(sh.d, sh.p, sh.desk.Name)
	ag, err := s.issuer(ctx, sh, lead)
	if err != nil {
		return agency{}, leader{}, err
	}
	l, err := s.leaderOf(ctx, sh.d, nil)
	return ag, l, err
}
