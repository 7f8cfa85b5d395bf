// Package dvcqg connects motcua to the National Public Service Portal
// (Cổng Dịch vụ công quốc gia). It owns the outbox of calls to the portal
// (dvcqg_outbox), each dossier's sync state (dvcqg_sync) and the record of
// dossiers pulled from the portal (dvcqg_pulled).
//
// Pushing: a listener of dossier.Transitioned writes, in the act's own
// transaction, the dossier's record (DongBoHoSoMC) when it is received or
// its record changed, and one progress step (CapNhatTienDoHoSoMC) per act.
// A leased, retried Worker sends them in each dossier's order, a step never
// before the one it follows; each call carries a key (IdDongBo) by which the
// portal drops a repeat. Pulling: Puller brings dossiers filed on the portal
// for the province's units into the reception queue (channel "dvcqg").
// The portal's codes and the assumptions made are in mapping.json.
package dvcqg

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/store"
)

// Config is what the service needs besides the database.
type Config struct {
	Now func() time.Time
	// Mapping is the portal's codes; nil: the embedded mapping.json.
	Mapping *Mapping
	// Catalog, ResultCodes and Blobs fill the record's field, fees,
	// papers and results (lists.go); nil: those stay empty.
	Catalog     Catalog
	ResultCodes ResultCodes
	Blobs       Blobs
	// PublicURL is motcua's public address, for the result's link
	// (DuongDanTepTinKetQua).
	PublicURL string
	// InlineMax is the largest paper sent inline (DefaultInlineMax).
	InlineMax int64
}

// Service writes the outbox and reads the sync state.
type Service struct {
	db  *store.DB
	cfg Config
	m   *Mapping
}

// New returns the service.
func New(db *store.DB, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Mapping == nil {
		m, err := DefaultMapping()
		if err != nil {
			return nil, err
		}
		cfg.Mapping = m
	}
	return &Service{db: db, cfg: cfg, m: cfg.Mapping}, nil
}

// Mapping is the service's mapping.
func (s *Service) Mapping() *Mapping { return s.m }

// Subscribe registers the listener of dossier.Transitioned on bus.
func (s *Service) Subscribe(bus *event.Bus) {
	event.Subscribe(bus, "dvcqg", s.Transitioned)
}

// syncRow is a dossier's dvcqg_sync row.
type syncRow struct {
	maHoSo     string
	lastSeq    int64
	recordHash string
}

// Transitioned is the dossier.Transitioned listener. A dossier is known
// to the portal from its reception on (or from its submission, for one
// filed on the portal, or the first act on one received before this
// module ran); from then on, every act appends a step, preceded by the
// record when the record changed (a new due date, the result, the unit).
func (s *Service) Transitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	if e.Action == dossier.SubmitAction && d.Channel == dossier.ChannelNationalPortal {
		if err := notePulled(ctx, tx, d, s.cfg.Now()); err != nil {
			return err
		}
	} else if e.Action == dossier.SubmitAction && d.ReceivedAt == nil {
		// A new dossier has no sync row, and the portal hears of it at
		// reception: nothing to read in the submission's transaction.
		return nil
	}
	row, err := readSync(ctx, tx, d.ID())
	if errors.Is(err, sql.ErrNoRows) {
		if e.Action != dossier.Receive && d.Channel != dossier.ChannelNationalPortal && d.ReceivedAt == nil {
			return nil // not received yet: the portal hears of it at reception
		}
		if row, err = s.register(ctx, tx, d); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	now := s.cfg.Now()
	status := s.m.Status(d, e.Action)
	rec := s.record(d, row.maHoSo, status)
	sums, inline, err := s.lists(ctx, tx, d, &rec)
	if err != nil {
		return err
	}
	hash := recordHash(rec, sums)
	seq := row.lastSeq
	if hash != row.recordHash {
		seq++
		rec.IdDongBo = key(row.maHoSo, seq)
		s.inline(ctx, &rec, inline)
		if err := enqueue(ctx, tx, d.ID(), seq, s.m.Services.PushRecord, rec, now); err != nil {
			return err
		}
	}
	seq++
	step := s.step(e, row.maHoSo, status)
	step.IdDongBo = key(row.maHoSo, seq)
	if err := enqueue(ctx, tx, d.ID(), seq, s.m.Services.PushStep, step, now); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE dvcqg_sync SET last_seq = ?, record_hash = ?, last_status = ?, unit_id = ?, synced = 0, updated_at = ?
		WHERE dossier_id = ?`, seq, hash, status, d.UnitID(), now.UnixMilli(), d.ID())
	return err
}

// register starts a dossier's sync state. The portal knows a dossier filed
// there by the portal's own code, any other by motcua's.
func (s *Service) register(ctx context.Context, tx *store.Tx, d *dossier.Dossier) (syncRow, error) {
	code := d.Code
	var portal string
	err := tx.QueryRowContext(ctx, `SELECT ma_ho_so FROM dvcqg_pulled WHERE dossier_id = ?`, d.ID()).Scan(&portal)
	switch {
	case err == nil:
		code = portal
	case !errors.Is(err, sql.ErrNoRows):
		return syncRow{}, err
	}
	received := s.cfg.Now()
	if d.ReceivedAt != nil {
		received = *d.ReceivedAt
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO dvcqg_sync (dossier_id, ma_ho_so, receiving_unit_id, unit_id, received_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, d.ID(), code, d.ReceivingUnitID(), d.UnitID(), received.UnixMilli(), s.cfg.Now().UnixMilli())
	if err != nil {
		return syncRow{}, fmt.Errorf("dvcqg: register %s: %w", d.Code, err)
	}
	return syncRow{maHoSo: code}, nil
}

// readSync reads the dossier's sync state through an UPDATE, so that on
// PostgreSQL the row stays locked until the act commits: two acts on one
// dossier that do not both change its row (a consultation and another)
// then take their sequence numbers one after the other.
func readSync(ctx context.Context, tx *store.Tx, dossierID int64) (syncRow, error) {
	var r syncRow
	err := tx.QueryRowContext(ctx, `UPDATE dvcqg_sync SET last_seq = last_seq WHERE dossier_id = ? RETURNING ma_ho_so, last_seq, record_hash`,
		dossierID).Scan(&r.maHoSo, &r.lastSeq, &r.recordHash)
	return r, err
}

// key is a call's dedupe key, the one the portal drops repeats by.
func key(maHoSo string, seq int64) string { return maHoSo + "/" + strconv.FormatInt(seq, 10) }

func enqueue(ctx context.Context, tx *store.Tx, dossierID, seq int64, service string, data any, now time.Time) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var k string
	switch v := data.(type) {
	case Record:
		k = v.IdDongBo
	case Step:
		k = v.IdDongBo
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO dvcqg_outbox (dossier_id, seq, service, payload, dedupe_key, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`, dossierID, seq, service, string(b), k, now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("dvcqg: write outbox: %w", err)
	}
	return nil
}

// record is the dossier as the portal's DongBoHoSoMC has it.
func (s *Service) record(d *dossier.Dossier, maHoSo string, status int) Record {
	r := Record{
		MaHoSo: maHoSo, MaTTHC: d.Procedure, TenTTHC: d.ProcedureName,
		ChuHoSo: d.Applicant.Name, LoaiDoiTuong: "1", MaDoiTuong: d.Applicant.IDNumber,
		Email: d.Applicant.Email, SoDienThoai: d.Applicant.Phone,
		TrichYeuHoSo: d.ProcedureName + " — " + d.Applicant.Name,
		NgayTiepNhan: formatPtr(d.ReceivedAt), NgayHenTra: formatPtr(d.DueAt),
		TrangThaiHoSo: strconv.Itoa(status), NgayTra: formatPtr(d.DeliveredAt),
		HinhThuc:        strconv.Itoa(s.m.Delivery[d.Delivery]),
		NgayKetThucXuLy: formatPtr(d.ResultAt), DonViXuLy: d.UnitName, MaDonVi: d.ReceivingUnit,
		DanhSachLePhi: []Fee{}, TaiLieuNop: []Document{}, DanhSachGiayToKetQua: []Result{}, DanhSachHoSoBoSung: []Supplement{},
	}
	if d.DeliveredAt != nil {
		r.ThongTinTra = s.m.DeliveryText[d.Delivery]
	}
	return r
}

// recordHash identifies what matters of a record: everything but its
// status (each step carries that) and its dedupe key; and the content of
// its papers (sums), which it carries only once it is to be sent.
func recordHash(r Record, sums fileSums) string {
	r.TrangThaiHoSo, r.IdDongBo = "", ""
	b, _ := json.Marshal(struct {
		R    Record
		Sums fileSums `json:",omitempty"`
	}{r, sums})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// step is the act as the portal's CapNhatTienDoHoSoMC has it.
func (s *Service) step(e dossier.Transitioned, maHoSo string, status int) Step {
	d := e.Dossier
	what := msg.Action(e.Action.In(e.From))
	if e.Action == dossier.SubmitAction {
		what = msg.Action(string(dossier.SubmitAction))
	}
	if e.Note != "" {
		what += ": " + e.Note
	}
	due := d.DueAt
	if e.EventDue != nil {
		due = e.EventDue
	}
	name := e.ActorName
	if name == "" {
		name = dossier.SystemName
	}
	return Step{
		MaHoSo: maHoSo, NguoiXuLy: name, ChucDanh: msg.Name("role.", e.ActorRole),
		ThoiDiemXuLy: FormatTime(e.At), PhongBanXuLy: d.UnitName, NoiDungXuLy: strings.TrimSpace(what),
		TrangThai: strconv.Itoa(status), NgayBatDau: FormatTime(e.At), NgayKetThucTheoQuyDinh: formatPtr(due),
	}
}
