package dvcqg

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// The record's lists (fees, papers filed, result papers) are read from
// their owners through their read methods, in the act's transaction:
// the procedure version from the catalog, the files from the dossier
// module, the result codes from sohoa (whose listener gives them earlier
// in the same transaction; server/events.go subscribes dvcqg after it).

// Catalog reads the procedure version a dossier was filed under
// (catalog.Store).
type Catalog interface {
	Version(ctx context.Context, q store.Querier, code string, version int) (catalog.Procedure, error)
}

// ResultCodes reads the result codes of a dossier's result files, by file
// id (sohoa.CodesOf).
type ResultCodes func(ctx context.Context, q store.Querier, dossierID int64) (map[int64]string, error)

// Blobs opens a stored file by its SHA-256 (dossier.Service.OpenBlob).
type Blobs interface {
	OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error)
}

// DefaultInlineMax is the largest filed paper sent inline (Base64) in
// TaiLieuNop. A record is stored whole in the outbox and sent again when
// it changes, so larger papers are listed by name only: the portal has
// no way to fetch motcua's files without a citizen's session [M].
const DefaultInlineMax = 2 << 20

// inlineTotal bounds what one record carries inline, all papers together:
// gateways (LGSPs) commonly refuse requests beyond some 10 to 20 MB, and
// Base64 adds a third. The papers past it are listed by name only.
const inlineTotal = 8 << 20

// Fee codes [M]: the portal's LoaiPhiLePhi (1 lệ phí, 2 phí) and
// HinhThucThu (1 at the counter, 2 online) as assumed, until the province
// confirms them (docs/dvcqg.md).
const (
	feeKindCharge  = "1" // lệ phí
	feeKindFee     = "2" // phí
	collectCounter = "1"
	collectOnline  = "2"
)

// TrangThaiBoSung [M]: 1 waiting for the applicant, 2 supplemented, 3
// ended otherwise (lapsed, withdrawn, stopped).
const (
	supplementOpen  = "1"
	supplementDone  = "2"
	supplementEnded = "3"
)

// fileSums is what the record hash must see of the papers besides what
// the record shows before their content is inlined: their content.
type fileSums []string

// lists fills rec's field and lists for d. The papers' content is not
// read here (see inline): the hash decides first whether the record is
// sent at all.
func (s *Service) lists(ctx context.Context, tx *store.Tx, d *dossier.Dossier, rec *Record) (fileSums, []string, error) {
	var p catalog.Procedure
	if s.cfg.Catalog != nil {
		var err error
		if p, err = s.cfg.Catalog.Version(ctx, tx, d.Procedure, d.ProcedureVersion); err != nil {
			return nil, nil, fmt.Errorf("dvcqg: procedure %s v%d: %w", d.Procedure, d.ProcedureVersion, err)
		}
	}
	rec.MaLinhVuc, rec.TenLinhVuc = p.FieldID, p.Field
	collect := collectCounter
	if dossier.Online(d.Channel) {
		collect = collectOnline
	}
	for i, f := range p.Fees {
		kind := feeKindFee
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(f.Name)), "lệ phí") {
			kind = feeKindCharge
		}
		// The catalog gives a fee no code of its own: its place in the
		// procedure's list, which stays put across versions [M].
		rec.DanhSachLePhi = append(rec.DanhSachLePhi, Fee{TenPhiLePhi: f.Name, MaPhiLePhi: p.Code + "-" + strconv.Itoa(i+1),
			HinhThucThu: collect, Gia: strconv.FormatInt(f.Amount, 10), LoaiPhiLePhi: kind})
	}
	files, err := dossier.FilesOf(ctx, tx, d.ID())
	if err != nil {
		return nil, nil, err
	}
	var codes map[int64]string
	if s.cfg.ResultCodes != nil {
		if codes, err = s.cfg.ResultCodes(ctx, tx, d.ID()); err != nil {
			return nil, nil, err
		}
	}
	compCode := map[string]string{}
	for _, c := range p.Components {
		compCode[c.Key] = c.Code
		if c.Code == "" {
			compCode[c.Key] = c.Key
		}
	}
	var sums fileSums
	var inline []string
	for _, f := range files {
		switch f.Kind {
		case "component":
			code := compCode[f.Component]
			if code == "" {
				code = f.Component
			}
			rec.TaiLieuNop = append(rec.TaiLieuNop, Document{TenTepDinhKem: f.Name, MaThanhPhanHoSo: code})
			sums = append(sums, f.SHA256)
			if f.Size <= s.inlineMax() {
				inline = append(inline, f.SHA256)
			} else {
				inline = append(inline, "")
			}
		case "result":
			// A result is reported once issued: when it has its result
			// code. A draft an officer uploaded is not a result yet.
			code := codes[f.ID]
			if code == "" {
				continue
			}
			name := p.Result
			if name == "" {
				name = f.Name
			}
			rec.DanhSachGiayToKetQua = append(rec.DanhSachGiayToKetQua, Result{TenGiayTo: name, MaThanhPhanHoSo: p.ResultCode,
				GiayToId: code, DuongDanTepTinKetQua: s.fileURL(d.Code, f.ID)})
			sums = append(sums, f.SHA256)
		}
	}
	sups, err := dossier.SupplementsOf(ctx, tx, d.ID())
	if err != nil {
		return nil, nil, err
	}
	for _, sp := range sups {
		rec.DanhSachHoSoBoSung = append(rec.DanhSachHoSoBoSung, supplement(rec.MaHoSo, sp))
	}
	return sums, inline, nil
}

func supplement(maHoSo string, sp dossier.SupplementAsked) Supplement {
	var what []string
	for _, it := range sp.Items {
		what = append(what, strings.TrimSpace(it.Name+": "+it.Reason))
	}
	if sp.Note != "" {
		what = append(what, sp.Note)
	}
	out := Supplement{HoSoBoSungId: maHoSo + "/BS" + strconv.FormatInt(sp.EventID, 10), NguoiYeuCauBoSung: sp.By,
		NoiDungBoSung: strings.Join(what, "; "), NgayBoSung: FormatTime(sp.At), TrangThaiBoSung: supplementOpen,
		DanhSachGiayToBoSung: []Document{}, DanhSachLePhiBoSung: []Fee{}}
	if sp.EndedAt != nil {
		out.TrangThaiBoSung = supplementEnded
		if sp.EndAction == dossier.Supplement {
			out.TrangThaiBoSung = supplementDone
			out.NguoiTiepNhanBoSung, out.NgayTiepNhanBoSung = sp.EndedBy, FormatTime(*sp.EndedAt)
		}
	}
	return out
}

// fileURL is where the applicant downloads a file of their dossier on
// motcua's portal (after logging in): the link the national portal shows
// them. The portal's servers cannot fetch it.
func (s *Service) fileURL(code string, fileID int64) string {
	base := strings.TrimRight(s.cfg.PublicURL, "/")
	if base == "" {
		return ""
	}
	return base + "/ho-so/" + url.PathEscape(code) + "/tep/" + strconv.FormatInt(fileID, 10)
}

func (s *Service) inlineMax() int64 {
	if s.cfg.InlineMax != 0 {
		return s.cfg.InlineMax
	}
	return DefaultInlineMax
}

// inline puts the content of the papers small enough (sums[i] not empty)
// into rec.TaiLieuNop, Base64: done only for a record about to be sent.
func (s *Service) inline(ctx context.Context, rec *Record, sums []string) {
	if s.cfg.Blobs == nil {
		return
	}
	total := 0
	for i, sum := range sums {
		if sum == "" || i >= len(rec.TaiLieuNop) {
			continue
		}
		// This runs in an officer's act: a paper that cannot be read (its
		// blob lost on disk) is sent by name only rather than failing the
		// act it reports.
		f, err := s.cfg.Blobs.OpenBlob(ctx, sum)
		if err != nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(f, s.inlineMax()+1))
		f.Close()
		if err != nil || int64(len(b)) > s.inlineMax() || total+len(b) > inlineTotal {
			continue
		}
		total += len(b)
		rec.TaiLieuNop[i].Base64 = base64.StdEncoding.EncodeToString(b)
	}
}
