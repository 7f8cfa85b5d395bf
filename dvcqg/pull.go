package dvcqg

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// Lister is the portal as the puller reads it (Client).
type Lister interface {
	ListFiled(ctx context.Context, q ListQuery) ([]Filed, error)
	Fetch(ctx context.Context, url string, max int64) (io.ReadCloser, error)
}

// Filer is the dossier service as the puller files with it.
type Filer interface {
	StoreBlob(ctx context.Context, r io.Reader) (*dossier.File, error)
	MaxFileBytes() int64
	SubmitFromPortal(ctx context.Context, in dossier.SubmitInput, files []dossier.File) (*dossier.Dossier, error)
}

// PullConfig tunes a Puller.
type PullConfig struct {
	// Units are the agency codes (MaDonVi) whose portal dossiers come here:
	// by default every active unit of the database.
	Units func(ctx context.Context) ([]string, error)
	// Window is how far back each pull asks (TuNgay) (7 days): dossiers
	// already pulled are skipped by their MaHoSo.
	Window time.Duration
	Every  time.Duration // between pulls (1m)
	Now    func() time.Time
	Log    *slog.Logger
}

// Puller brings the dossiers citizens filed on the portal for the
// province's units into the reception queue.
type Puller struct {
	db     *store.DB
	portal Lister
	filer  Filer
	cfg    PullConfig
}

// NewPuller returns a puller.
func NewPuller(db *store.DB, portal Lister, filer Filer, cfg PullConfig) *Puller {
	if cfg.Window == 0 {
		cfg.Window = 7 * 24 * time.Hour
	}
	if cfg.Every == 0 {
		cfg.Every = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Puller{db: db, portal: portal, filer: filer, cfg: cfg}
}

// Run pulls every cfg.Every until ctx ends.
func (p *Puller) Run(ctx context.Context) {
	t := time.NewTicker(p.cfg.Every)
	defer t.Stop()
	for {
		if n, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			p.cfg.Log.Error("dvcqg: pull", "err", err, "filed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce asks the portal for the units' dossiers and files each one not
// yet here. It returns how many it filed; a dossier that cannot be filed
// (an unknown procedure, a broken file) is logged and tried again next
// time, the others go on.
func (p *Puller) RunOnce(ctx context.Context) (int, error) {
	var units []string
	if p.cfg.Units != nil {
		var err error
		if units, err = p.cfg.Units(ctx); err != nil {
			return 0, err
		}
	}
	list, err := p.portal.ListFiled(ctx, ListQuery{MaDonVi: units, TuNgay: FormatTime(p.cfg.Now().Add(-p.cfg.Window))})
	if err != nil {
		return 0, err
	}
	asked := map[string]bool{}
	for _, u := range units {
		asked[u] = true
	}
	n := 0
	var errs []error
	for _, f := range list {
		// The answer is the portal's word, not to be trusted blindly: a
		// dossier for a unit not asked for (not this province's, or not
		// active) or with a malformed code is not filed.
		if err := checkFiled(f, asked, p.cfg.Units != nil); err != nil {
			p.cfg.Log.Warn("dvcqg: a portal dossier refused", "MaHoSo", clip(f.MaHoSo, 100), "err", err)
			errs = append(errs, err)
			continue
		}
		done, err := p.pulled(ctx, f.MaHoSo)
		if err != nil {
			return n, err
		}
		if done {
			continue
		}
		switch err := p.file(ctx, f); {
		case errors.Is(err, errPulledAlready):
			// another instance filed it meanwhile
		case err != nil:
			p.cfg.Log.Warn("dvcqg: a portal dossier could not be filed", "MaHoSo", f.MaHoSo, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", f.MaHoSo, err))
		default:
			n++
		}
	}
	return n, errors.Join(errs...)
}

// maxMaHoSo bounds the portal's dossier code: it becomes motcua's key of
// the dossier at the portal and the prefix of every call's IdDongBo.
const maxMaHoSo = 64

func checkFiled(f Filed, asked map[string]bool, checkUnit bool) error {
	if f.MaHoSo == "" || len(f.MaHoSo) > maxMaHoSo || strings.ContainsFunc(f.MaHoSo, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e }) {
		return fmt.Errorf("dvcqg: a portal dossier with a malformed MaHoSo %q", clip(f.MaHoSo, 100))
	}
	if checkUnit && !asked[f.MaDonVi] {
		return fmt.Errorf("dvcqg: portal dossier %s is for unit %q, not one asked for", f.MaHoSo, clip(f.MaDonVi, 100))
	}
	return nil
}

func (p *Puller) pulled(ctx context.Context, maHoSo string) (bool, error) {
	var n int
	err := p.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dvcqg_pulled WHERE ma_ho_so = ?`, maHoSo).Scan(&n)
	return n > 0, err
}

// file stores the dossier's papers, then files it with them.
func (p *Puller) file(ctx context.Context, f Filed) error {
	if f.MaHoSo == "" {
		return errors.New("no MaHoSo")
	}
	var files []dossier.File
	for _, doc := range f.TaiLieuNop {
		var r io.Reader
		switch {
		case doc.Base64 != "":
			b, err := base64.StdEncoding.DecodeString(doc.Base64)
			if err != nil {
				return fmt.Errorf("%s: Base64: %w", doc.TenTepDinhKem, err)
			}
			r = bytes.NewReader(b)
		case doc.URL != "":
			rc, err := p.portal.Fetch(ctx, doc.URL, p.filer.MaxFileBytes())
			if err != nil {
				return err
			}
			r = rc
		default:
			continue
		}
		// StoreBlob holds the paper to the dossier's limits: size, type
		// sniffed from the bytes, the virus scan.
		stored, err := p.filer.StoreBlob(ctx, r)
		if c, ok := r.(io.Closer); ok {
			c.Close()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", doc.TenTepDinhKem, err)
		}
		stored.Component, stored.Name = doc.MaThanhPhanHoSo, doc.TenTepDinhKem
		files = append(files, *stored)
	}
	form := map[string]any{}
	if strings.HasPrefix(strings.TrimSpace(f.ThongTinKhac), "{") {
		if err := json.Unmarshal([]byte(f.ThongTinKhac), &form); err != nil {
			return fmt.Errorf("ThongTinKhac: %w", err)
		}
	}
	delivery := "counter"
	if f.HinhThuc == "1" {
		delivery = "post"
	}
	in := dossier.SubmitInput{Procedure: f.MaTTHC, Unit: f.MaDonVi, Form: form, Delivery: delivery,
		Applicant: dossier.Applicant{Name: f.ChuHoSo, IDNumber: f.MaDoiTuong, Phone: f.SoDienThoai, Email: f.Email, Address: f.DiaChi}}
	_, err := p.filer.SubmitFromPortal(context.WithValue(ctx, pulledKey{}, f.MaHoSo), in, files)
	return err
}

// pulledKey carries the portal's MaHoSo from the puller, through the
// dossier service's submission, to this module's listener, which records
// it in the submission's transaction. A context value rather than a field
// of the dossier: the reference is this module's business, and the
// dossier service need not know it.
type pulledKey struct{}

var errPulledAlready = errors.New("dvcqg: the portal dossier was pulled already")

// notePulled records which portal dossier a submission on the portal
// channel is; a second submission of the same one fails, which rolls it
// back (the unique key decides, so two instances pulling at once file it once).
func notePulled(ctx context.Context, tx *store.Tx, d *dossier.Dossier, now time.Time) error {
	ref, _ := ctx.Value(pulledKey{}).(string)
	if ref == "" {
		return errors.New("dvcqg: a dossier on the national portal's channel without the portal's MaHoSo")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO dvcqg_pulled (ma_ho_so, dossier_id, pulled_at) VALUES (?, ?, ?)
		ON CONFLICT (ma_ho_so) DO NOTHING`, ref, d.ID(), now.UnixMilli())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errPulledAlready
	}
	return nil
}

// PortalRef is the portal's MaHoSo of a dossier pulled from it ("" for
// any other).
func (s *Service) PortalRef(ctx context.Context, dossierID int64) (string, error) {
	var ref string
	err := s.db.QueryRowContext(ctx, `SELECT ma_ho_so FROM dvcqg_pulled WHERE dossier_id = ?`, dossierID).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return ref, err
}
