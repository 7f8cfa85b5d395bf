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
	"github.com/motcua/motcua/vntext"
)

// A procedure may declare its result document (a certificate, a decision,
// an extract…) as a catalog.ResultTemplate; Result fills it from the
// dossier and lays it out as an administrative document of the unit that
// decides. While the dossier is still being processed officers get a
// draft, unnumbered and marked as such.

// Result renders the result document of the dossier code as a sees it.
func (s *Service) Result(ctx context.Context, a *auth.Actor, code, base string) (*Document, error) {
	sh, err := s.load(ctx, a, code, base)
	if err != nil {
		return nil, err
	}
	t := sh.p.ResultTemplate
	if !HasResult(sh.d, sh.p, !a.IsCitizen()) {
		if t == nil {
			return nil, problem.NotFound("no_result_template")
		}
		return nil, problem.New(problem.ErrState, "result_not_ready")
	}
	if t.Layout == catalog.CivilStatus {
		return s.civilResult(ctx, a, sh)
	}
	lead, _ := processingUnits(sh.d, sh.p, sh.desk.Name)
	ag, err := s.issuer(ctx, sh, lead)
	if err != nil {
		return nil, err
	}
	u := ag.u
	l, err := s.leaderOf(ctx, sh.d, nil)
	if err != nil {
		return nil, err
	}
	at, number, draft := sh.now, "……/"+t.Symbol+"-"+issuerAbbrev(u.Name), sh.d.ResultAt == nil
	if !draft {
		at = *sh.d.ResultAt
		n, err := s.number(ctx, u.ID, "KQ-"+t.Symbol, sh.d.Code, at)
		if err != nil {
			return nil, err
		}
		number = symbol(n, t.Symbol, true, u.Name)
	}
	out, err := s.renderResult(sh, ag, l, number, at, draft)
	if err != nil {
		return nil, err
	}
	if err := s.dossiers.RecordRead(ctx, a, sh.d.UnitID(), "dossier:"+sh.d.Code, dossier.PrintForm, "ket-qua"); err != nil {
		return nil, err
	}
	return &Document{Name: "ket-qua-" + sh.d.Code + ".pdf", Title: t.Title, PDF: out.pdf, Signature: out.spot}, nil
}

// renderResult lays out the result document issued by ag: a template
// whose signer acts for the body ("TM. …") is signed by the leader l who
// approved, with the position their title gives; a template naming a
// person's role ("Người thực hiện chứng thực") keeps it.
func (s *Service) renderResult(sh *sheet, ag agency, l leader, number string, at time.Time, draft bool) (*rendered, error) {
	t, d, u := sh.p.ResultTemplate, sh.d, ag.u
	doc := newDoc(s.fonts, false, meta{Title: t.Title + " " + d.Code, Author: u.Name, Subject: d.ProcedureName, Created: at})
	if draft {
		doc.paragraph("DỰ THẢO – chưa có giá trị pháp lý", para{size: 11, st: boldItalic, align: right, after: 2})
	}
	var sub []string
	for _, line := range t.Subtitle {
		sub = append(sub, fill(line, sh, at))
	}
	doc.head(agencyHeading(ag, number, at, upper(t.Title), sub...))
	for _, p := range t.Body {
		doc.paragraph(fill(p, sh, at), body)
	}
	position := t.Signer
	if len(position) > 0 && strings.HasPrefix(strings.ToUpper(nfc(position[0])), "TM.") {
		position = signBlock(ag, l)
	}
	doc.signatures(nil, &signer{Position: position, Hint: sealHint, Name: l.name},
		[]string{"- " + d.Applicant.Name + ";", "- Lưu: VT, hồ sơ " + d.Code + "."}, sh.link())
	return doc.finish()
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
			if key, ok := strings.CutPrefix(name, "form."); ok {
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
