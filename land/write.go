package land

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// ParcelInput is a parcel as imported or created by a split.
type ParcelInput struct {
	Commune, Sheet, Number string
	AreaDM2                int64
	LandUse                []string
	Address                string
	Geometry               string
	Dispute, Mortgage      string
	Holders                []Holder
	// Certificate, when Serial is set, is the parcel's valid certificate.
	Certificate Certificate
}

// check validates an input and returns its bounding box.
func (in *ParcelInput) check() (Box, error) {
	in.Commune, in.Sheet, in.Number = strings.TrimSpace(in.Commune), trimNumber(in.Sheet), trimNumber(in.Number)
	if in.Commune == "" || in.Sheet == "" || in.Number == "" {
		return Box{}, problem.Invalid("number", "land_parcel_key")
	}
	if in.AreaDM2 <= 0 {
		return Box{}, problem.Invalid("area", "land_area")
	}
	if len(in.LandUse) == 0 {
		return Box{}, problem.Invalid("land_use", "land_use_code", "")
	}
	for _, c := range in.LandUse {
		if !KnownUse(c) {
			return Box{}, problem.Invalid("land_use", "land_use_code", c)
		}
	}
	for _, h := range in.Holders {
		if !idNumber(h.IDNumber) || strings.TrimSpace(h.Name) == "" {
			return Box{}, problem.Invalid("holders", "land_holder")
		}
	}
	if in.Geometry == "" {
		return Box{}, nil
	}
	b, _, err := CheckGeometry(in.Geometry)
	if err != nil {
		return Box{}, problem.Invalid("geometry", "land_geometry")
	}
	return b, nil
}

func idNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// add inserts an active parcel with its holders and certificate.
func (s *Service) add(ctx context.Context, tx *store.Tx, in ParcelInput, dossierCode string, at time.Time) (int64, error) {
	box, err := in.check()
	if err != nil {
		return 0, err
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_parcels WHERE commune = ? AND sheet = ? AND number = ? AND status = 'active'`,
		in.Commune, in.Sheet, in.Number).Scan(&taken); err != nil {
		return 0, err
	}
	if taken > 0 {
		return 0, problem.Conflict("land_parcel_exists", in.Sheet, in.Number)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO land_parcels (commune, sheet, number, area_dm2, land_use, address, geometry,
		min_x, min_y, max_x, max_y, status, dispute, mortgage, created_at, created_by_dossier)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?) RETURNING id`,
		in.Commune, in.Sheet, in.Number, in.AreaDM2, strings.Join(in.LandUse, "+"), in.Address, in.Geometry,
		box.MinX, box.MinY, box.MaxX, box.MaxY, in.Dispute, in.Mortgage, at.UnixMilli(), dossierCode).Scan(&id); err != nil {
		return 0, err
	}
	for _, h := range in.Holders {
		if err := addHolder(ctx, tx, id, h, dossierCode, at); err != nil {
			return 0, err
		}
	}
	if c := in.Certificate; c.Serial != "" {
		if c.IssuedAt.IsZero() {
			c.IssuedAt = at
		}
		if err := insertCertificate(ctx, tx, id, normSerial(c.Serial), c.BookNumber, c.IssuedAt, dossierCode); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func addHolder(ctx context.Context, tx *store.Tx, parcel int64, h Holder, dossierCode string, at time.Time) error {
	since := h.Since
	if since.IsZero() {
		since = at
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO land_holders (parcel_id, id_number, name, since_at, dossier_code) VALUES (?, ?, ?, ?, ?)`,
		parcel, h.IDNumber, strings.TrimSpace(h.Name), since.UnixMilli(), dossierCode)
	return err
}

func insertCertificate(ctx context.Context, tx *store.Tx, parcel int64, serial, book string, at time.Time, dossierCode string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_certificates WHERE serial = ?`, serial).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return problem.Conflict("land_certificate_exists", serial)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO land_certificates (parcel_id, serial, book_number, issued_at, status, dossier_code)
		VALUES (?, ?, ?, ?, 'valid', ?)`, parcel, serial, book, at.UnixMilli(), dossierCode)
	return err
}

// issueCertificate gives a parcel a new certificate, numbered by the
// registry: serial "MC NNNNNN" of the year's sequence, book entry
// "CS-YYYY-NNNNNN". (The real serial is printed on the ministry's blank;
// docs/land.md.)
func issueCertificate(ctx context.Context, tx *store.Tx, parcel int64, at time.Time, dossierCode string) (string, error) {
	year := int64(at.Year())
	if _, err := tx.ExecContext(ctx, `INSERT INTO land_sequences (year, next) VALUES (?, 1) ON CONFLICT (year) DO NOTHING`, year); err != nil {
		return "", err
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE land_sequences SET next = next + 1 WHERE year = ? RETURNING next - 1`, year).Scan(&n); err != nil {
		return "", err
	}
	serial := fmt.Sprintf("MC %02d%06d", year%100, n)
	book := fmt.Sprintf("CS-%d-%06d", year, n)
	return serial, insertCertificate(ctx, tx, parcel, serial, book, at, dossierCode)
}

// cancelCertificates cancels a parcel's valid certificates.
func cancelCertificates(ctx context.Context, tx *store.Tx, parcel int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE land_certificates SET status = 'cancelled' WHERE parcel_id = ? AND status = 'valid'`, parcel)
	return err
}

// record appends a change to a parcel's history and its call to the
// national land information system to the outbox, both in tx.
func (s *Service) record(ctx context.Context, tx *store.Tx, parcel int64, kind, dossierCode, actor string, detail any, at time.Time) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO land_changes (parcel_id, kind, dossier_code, detail, actor_name, at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, parcel, kind, dossierCode, string(b), actor, at.UnixMilli()).Scan(&id); err != nil {
		return err
	}
	return s.enqueue(ctx, tx, id, parcel, at)
}

// Import adds parcels (an initial load or the national system's export)
// in one transaction: all of them, or none; the audit log records it
// (event.Security "land_imported", actor the command line's or a name).
func (s *Service) Import(ctx context.Context, parcels []ParcelInput, actor string) (int, error) {
	at := s.cfg.Now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		for i, in := range parcels {
			id, err := s.add(ctx, tx, in, "", at)
			if err != nil {
				return fmt.Errorf("land: parcel %d (%s/%s/%s): %w", i+1, in.Commune, in.Sheet, in.Number, err)
			}
			if err := s.record(ctx, tx, id, KindImport, "", actor, map[string]any{"area": FormatArea(in.AreaDM2)}, at); err != nil {
				return err
			}
		}
		return s.security(ctx, tx, nil, "land_imported", "land:import", fmt.Sprintf(`{"parcels":%d,"by":%q}`, len(parcels), actor), at)
	})
	if err != nil {
		return 0, err
	}
	return len(parcels), nil
}

// Free is an active parcel without dispute or mortgage, as a generator
// or a test picks one: its key, area, address, valid certificate serial
// and first user.
type Free struct {
	ID                             int64
	Sheet, Number, Address, Serial string
	AreaDM2                        int64
	Holder                         Holder
}

// FreeParcels lists up to limit such parcels of commune, oldest first,
// skipping the ids in skip.
func (s *Service) FreeParcels(ctx context.Context, commune string, skip map[int64]bool, limit int) ([]Free, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.sheet, p.number, p.address, p.area_dm2, COALESCE(c.serial, ''), h.id_number, h.name
		FROM land_parcels p
		JOIN land_holders h ON h.parcel_id = p.id AND h.until_at IS NULL
		LEFT JOIN land_certificates c ON c.parcel_id = p.id AND c.status = 'valid'
		WHERE p.commune = ? AND p.status = 'active' AND p.dispute = '' AND p.mortgage = ''
		ORDER BY p.id`, commune)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Free
	seen := map[int64]bool{}
	for rows.Next() && len(out) < limit {
		var f Free
		if err := rows.Scan(&f.ID, &f.Sheet, &f.Number, &f.Address, &f.AreaDM2, &f.Serial, &f.Holder.IDNumber, &f.Holder.Name); err != nil {
			return nil, err
		}
		if skip[f.ID] || seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		out = append(out, f)
	}
	return out, rows.Err()
}

// Count is how many parcels of commune the registry holds, active or not.
func (s *Service) Count(ctx context.Context, commune string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_parcels WHERE commune = ?`, commune).Scan(&n)
	return n, err
}

// DossierChanges counts the history rows dossiers made (not imports).
func (s *Service) DossierChanges(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_changes WHERE dossier_code <> ''`).Scan(&n)
	return n, err
}

// IsSplit reports whether a procedure splits parcels.
func IsSplit(procedure string) bool { return Procedures[procedure].op == opSplit }
