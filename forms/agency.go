package forms

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/unit"
)

// The issuer of a letter (04, 05) or of a result, named as Decree
// 30/2020 (Appendix I, §II.3) prescribes, and the signature block of its
// leader (Art. 13, Appendix I §II.9).
//
// The heading depends on what kind of body the unit is, not on whether it
// has a parent in the unit tree: a People's Committee at any level is the
// local State administration, with no managing agency above it in the
// heading, so it prints its own name only, "ỦY BAN NHÂN DÂN" over "XÃ GIA LÂM"; a specialised
// office (phòng, văn phòng, sở, ban…) prints its managing body above it,
// "UBND HUYỆN NHO QUAN" over "PHÒNG TƯ PHÁP". Units are People's
// Committees unless their name says otherwise.

// agency is an issuing unit and its managing body (zero for none).
type agency struct {
	u      unit.Unit
	parent unit.Unit
}

var committeePrefixes = []string{"UBND ", "Ủy ban nhân dân ", "ỦY BAN NHÂN DÂN ", "Uỷ ban nhân dân "}

// committeePlace is the place of a People's Committee's name ("xã Gia
// Lâm" of "UBND xã Gia Lâm"); ok is false for any other body.
func committeePlace(name string) (string, bool) {
	n := nfc(name)
	for _, p := range committeePrefixes {
		if rest, ok := strings.CutPrefix(n, nfc(p)); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// committee reports whether the issuer is a People's Committee.
func (a agency) committee() bool {
	_, ok := committeePlace(a.u.Name)
	return ok
}

// names are the heading's two parts: the managing body (regular, "" for
// a People's Committee) and the issuer (bold, one or two lines).
func (a agency) names() (parent, issuer string) {
	if place, ok := committeePlace(a.u.Name); ok {
		return "", "Ủy ban nhân dân\n" + place
	}
	if a.parent.Name == "" {
		return "", a.u.Name
	}
	parent = a.parent.Name
	// Decree 30 lets the managing body's name abbreviate "Ủy ban nhân dân".
	if place, ok := committeePlace(parent); ok {
		parent = "UBND " + place
	}
	return parent, a.u.Name
}

// place is the place in the date line: the committee's own, the managing
// body's for an office ("Nho Quan" for Phòng Tư pháp of Nho Quan).
func (a agency) place() string {
	if !a.committee() && a.u.ShortName == "" && a.parent.Name != "" {
		return placeName(a.parent.ShortName, a.parent.Name)
	}
	return placeName(a.u.ShortName, a.u.Name)
}

// leader is whoever signs for the issuer: name and position (chức vụ)
// as recorded on their account.
type leader struct{ name, title string }

// heads are the positions of a body's head, as written in a title
// ("Phó Chủ tịch UBND xã", "Trưởng phòng Tư pháp").
var heads = []string{"Chủ tịch", "Chánh Văn phòng", "Trưởng phòng", "Giám đốc", "Trưởng ban", "Chi cục trưởng", "Cục trưởng"}

// position reads the head's position out of a title and whether the
// title is a deputy's ("Phó …"); "" if it names no head.
func position(title string) (head string, deputy bool) {
	t := strings.ToLower(strings.TrimSpace(nfc(title)))
	if rest, ok := strings.CutPrefix(t, "phó "); ok {
		t, deputy = rest, true
	}
	for _, h := range heads {
		if strings.HasPrefix(t, strings.ToLower(nfc(h))) {
			return h, deputy
		}
	}
	return "", false
}

// signBlock is the position lines of the issuer's signature block. A
// People's Committee works collectively: its Chairman signs "TM. ỦY BAN
// NHÂN DÂN / CHỦ TỊCH", a Vice-Chairman "TM. ỦY BAN NHÂN DÂN / KT. CHỦ
// TỊCH / PHÓ CHỦ TỊCH" (Art. 13.1.a). An office's head signs with the
// position, a deputy "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG" (Art. 13.1.b).
// A leader whose title names no position signs as the head: only the
// head or a deputy (whose title says so) signs for the body.
func signBlock(a agency, l leader) []string {
	head, deputy := position(l.title)
	if a.committee() {
		if deputy && head == "Chủ tịch" {
			return []string{"TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch"}
		}
		return []string{"TM. Ủy ban nhân dân", "Chủ tịch"}
	}
	switch {
	case head != "" && deputy:
		return []string{"KT. " + head, "Phó " + head}
	case head != "":
		return []string{head}
	case strings.TrimSpace(l.title) != "":
		return []string{strings.TrimSpace(l.title)}
	}
	return []string{"Thủ trưởng cơ quan"}
}

// agencyHeading is the heading of a document issued by a.
func agencyHeading(a agency, number string, at time.Time, title string, sub ...string) heading {
	parent, issuer := a.names()
	return heading{Parent: parent, Issuer: issuer, Number: number, Place: a.place(), Date: at, Title: title, Sub: sub}
}

// issuer resolves the unit that made an event from the name the history
// records (falling back to the receiving unit) with its managing body.
func (s *Service) issuer(ctx context.Context, sh *sheet, name string) (agency, error) {
	u := sh.desk
	if name != "" && name != sh.desk.Name {
		all, err := s.units.List(ctx)
		if err != nil {
			return agency{}, err
		}
		for _, x := range all {
			if x.Name == name {
				u = x
				break
			}
		}
	}
	a := agency{u: u}
	if u.ParentID != 0 {
		p, err := s.units.ByID(ctx, u.ParentID)
		if err != nil {
			return agency{}, err
		}
		a.parent = p
	}
	return a, nil
}

// signerEvent is the event whose actor signs the document made at upto
// (nil: the whole history): the leader who approved the dossier, else the
// last act of a leader (a leader stops a dossier), else nil.
func signerEvent(d *dossier.Dossier, upto *dossier.Event) *dossier.Event {
	var approve, lead *dossier.Event
	for i := range d.History {
		e := &d.History[i]
		switch {
		case e.Action == dossier.Approve:
			approve = e
		case e.Role == auth.Leader:
			lead = e
		}
		if e == upto {
			break
		}
	}
	if approve != nil {
		return approve
	}
	return lead
}

// leaderOf is the signer of the document made at upto, with the position
// their account records; a zero leader when no leader has acted yet (the
// name is then written by hand).
func (s *Service) leaderOf(ctx context.Context, d *dossier.Dossier, upto *dossier.Event) (leader, error) {
	e := signerEvent(d, upto)
	if e == nil {
		return leader{}, nil
	}
	l := leader{name: e.Actor}
	if e.ActorID != 0 && s.db != nil {
		t, err := auth.Title(ctx, s.db, e.ActorID)
		if err != nil {
			return leader{}, err
		}
		l.title = t
	}
	return l, nil
}
