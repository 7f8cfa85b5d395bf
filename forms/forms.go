// Package forms produces the official PDF forms of the one-stop process
// (Circular 03/2025/TT-VPCP: 01 receipt and appointment, 02 request to
// supplement, 03 refusal, 04 apology and new date, 05 notice of stopping,
// 06 process control slip, 07 dossier tracking book) and the result
// documents procedures declare as templates, filled from the dossier and
// laid out as Decree 30/2020 prescribes. It owns the forms' number series.
//
// Every PDF embeds its font (Liberation Serif, metric-compatible with the
// prescribed Times New Roman) and is built from NFC text, so it prints and
// extracts the same everywhere; it carries a QR code of the dossier's
// public tracking page.
package forms

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/typeset"
	"github.com/motcua/motcua/unit"
)

// The forms, by their number in Circular 03/2025/TT-VPCP.
const (
	Receipt      = "01" // Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	Supplement   = "02" // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	Refusal      = "03" // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	Apology      = "04" // Phiếu xin lỗi và hẹn lại ngày trả kết quả (xin lỗi và đề nghị gia hạn)
	StopNotice   = "05" // Thông báo dừng giải quyết hồ sơ
	ControlSlip  = "06" // Phiếu kiểm soát quá trình giải quyết hồ sơ
	TrackingBook = "07" // Sổ theo dõi hồ sơ
)

// Name is a form's title ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "" for an unknown form.
func Name(form string) string {
	switch form {
	case Receipt:
		return "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
	case Supplement:
		return "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
	case Refusal:
		return "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
	case Apology:
		return "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
	case StopNotice:
		return "Thông báo dừng giải quyết hồ sơ"
	case ControlSlip:
		return "Phiếu kiểm soát quá trình giải quyết hồ sơ"
	case TrackingBook:
		return "Sổ theo dõi hồ sơ"
	}
	return ""
}

// Config tunes the service.
type Config struct {
	Now func() time.Time
}

// Service fills and renders the forms. It reads dossiers only through
// dossier.Service, with the asking actor, so whoever may see a dossier
// may print its forms and nobody else.
type Service struct {
	db       *store.DB
	dossiers *dossier.Service
	units    *unit.Store
	cal      dossier.Calendar
	fonts    *typeset.Fonts
	now      func() time.Time
}

// New takes the parsed fonts (typeset parses them once) and returns the service.
func New(db *store.DB, ds *dossier.Service, units *unit.Store, cal dossier.Calendar, cfg Config) (*Service, error) {
	fs, err := typeset.LoadFonts()
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{db: db, dossiers: ds, units: units, cal: cal, fonts: fs, now: cfg.Now}, nil
}

// Document is one produced PDF.
type Document struct {
	// Name is a file name for downloads, e.g. "mau-01-000.04.07.H40-260302-0001.pdf".
	Name  string
	Title string
	PDF   []byte
	// Signature is where the signer's signature goes, for package sign;
	// nil on forms nobody signs (06).
	Signature *Spot
}

// Spot is where a signature goes on a page, in PDF points from the page's
// lower-left corner: the blank between the signer's position (and the
// "(Ký, ghi rõ họ tên)" line) and the name. Decree 30/2020 centres the
// signature image there; the seal image covers its left third.
type Spot struct {
	Page       int
	X, Y, W, H float64
}

// Applicable lists the per-dossier forms that exist for d in its state,
// in order: 01 and 06 once received, 02 once a supplement was requested,
// 03 if refused, 04 once an apology was made, 05 if stopped. d must come
// from dossier.Service.Get (it needs the history).
func Applicable(d *dossier.Dossier) []string {
	var out []string
	has := func(a dossier.Action) bool { return lastEvent(d, a) != nil }
	if d.ReceivedAt != nil {
		out = append(out, Receipt)
	}
	if has(dossier.RequestSupplement) {
		out = append(out, Supplement)
	}
	// Mẫu 03 is the desk's refusal at reception; a refusal during
	// processing is answered by the result document instead.
	if e := lastEvent(d, dossier.Refuse); e != nil && e.From != dossier.Processing {
		out = append(out, Refusal)
	}
	if has(dossier.Apologize) {
		out = append(out, Apology)
	}
	if has(dossier.Stop) {
		out = append(out, StopNotice)
	}
	if d.ReceivedAt != nil {
		out = append(out, ControlSlip)
	}
	return out
}

// HasResult reports whether the dossier's result can be rendered now: the
// written refusal of a dossier refused during processing, or the
// procedure's template once processing has produced (or, for officers, is
// producing) the result.
func HasResult(d *dossier.Dossier, p catalog.Procedure, officer bool) bool {
	if d.ResultRefused {
		// The written refusal, whatever the procedure issues otherwise.
		return d.Status == dossier.ResultReady || d.Status == dossier.Delivered
	}
	if p.ResultTemplate == nil {
		return false
	}
	switch d.Status {
	case dossier.ResultReady, dossier.Delivered:
		return true
	case dossier.Processing:
		return officer // a draft while it is being processed
	}
	return false
}

func errNotApplicable(form string) error {
	return problem.New(problem.ErrState, "form_not_applicable", problem.Key("form."+form), form)
}

// sheet is what a dossier's forms are filled from.
type sheet struct {
	d      *dossier.Dossier
	p      catalog.Procedure
	desk   unit.Unit // the receiving unit, whose one-stop desk issues 01–03
	pauses []dossier.Pause
	track  string // the public tracking page
	now    time.Time
	extra  map[string]string // placeholders a renderer adds (an attestation's book entry)
}

// load gathers a dossier's sheet as a sees it; base is the site's origin
// for the tracking URL ("https://motcua.example.vn").
func (s *Service) load(ctx context.Context, a *auth.Actor, code, base string) (*sheet, error) {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	p, err := s.dossiers.ProcedureFor(ctx, d)
	if err != nil {
		return nil, err
	}
	sh := &sheet{d: d, p: p, track: base + d.TrackPath(), now: s.now()}
	if sh.desk, err = s.units.ByCode(ctx, d.ReceivingUnit); err != nil {
		return nil, err
	}
	if sh.pauses, err = s.dossiers.Pauses(ctx, a, d.Code); err != nil {
		return nil, err
	}
	return sh, nil
}

func (s *Service) parentName(ctx context.Context, u unit.Unit) (string, error) {
	if u.ParentID == 0 {
		return "", nil
	}
	p, err := s.units.ByID(ctx, u.ParentID)
	return p.Name, err
}

// lastEvent is the latest event of action a, or nil.
func lastEvent(d *dossier.Dossier, a dossier.Action) *dossier.Event {
	for i := len(d.History) - 1; i >= 0; i-- {
		if d.History[i].Action == a {
			return &d.History[i]
		}
	}
	return nil
}

// countEvents counts the events of action a up to and including upto:
// the apology's ordinal names its subject, "<code>#2" for the second.
func countEvents(d *dossier.Dossier, a dossier.Action, upto *dossier.Event) int {
	n := 0
	for i := range d.History {
		if d.History[i].Action == a {
			n++
		}
		if &d.History[i] == upto {
			break
		}
	}
	return n
}

// unitAt is the name of the unit holding the dossier just before event e.
func unitAt(d *dossier.Dossier, e *dossier.Event) string {
	name := d.UnitName
	for i := range d.History {
		if &d.History[i] == e {
			if e.Unit != "" {
				return e.Unit
			}
			break
		}
		if d.History[i].Unit != "" {
			name = d.History[i].Unit
		}
	}
	return name
}

// Dossier renders form (01–07) of the dossier code as a sees it; base is
// the site's origin, for the QR code of the tracking page. Form 07 is the
// tracking book of the dossier's receiving unit for the day it was
// received (officers of that unit only). A form that does not exist yet
// for the dossier's state is ErrState.
func (s *Service) Dossier(ctx context.Context, a *auth.Actor, code, form, base string) (*Document, error) {
	render := map[string]func(context.Context, *sheet) (*rendered, error){
		Receipt: s.receipt, Supplement: s.supplement, Refusal: s.refusal, Apology: s.apology,
		StopNotice: s.stopNotice, ControlSlip: s.controlSlip,
	}[form]
	if render == nil && form != TrackingBook {
		return nil, problem.NotFound("form_not_found", form)
	}
	sh, err := s.load(ctx, a, code, base)
	if err != nil {
		return nil, err
	}
	if form == TrackingBook {
		if sh.d.ReceivedAt == nil {
			return nil, errNotApplicable(TrackingBook)
		}
		return s.Book(ctx, a, sh.d.ReceivingUnit, *sh.d.ReceivedAt, *sh.d.ReceivedAt, base)
	}
	out, err := render(ctx, sh)
	if err != nil {
		return nil, err
	}
	if err := s.dossiers.RecordRead(ctx, a, sh.d.UnitID(), "dossier:"+sh.d.Code, dossier.PrintForm, form); err != nil {
		return nil, err
	}
	return &Document{Name: "mau-" + form + "-" + sh.d.Code + ".pdf", Title: Name(form), PDF: out.pdf, Signature: out.spot}, nil
}

// link is the QR code every form of the dossier carries.
func (sh *sheet) link() link {
	return link{url: sh.track, caption: "Quét mã QR để tra cứu tình trạng hồ sơ:"}
}
