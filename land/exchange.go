package land

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// The exchange format is a GeoJSON FeatureCollection (RFC 7946, but in
// the VN-2000 plane's metres, named by "crs"), one Feature per parcel,
// its properties named as the national land database's exchange format
// names a parcel's attributes (docs/land.md says which names were
// assumed).
type (
	// Collection is a FeatureCollection.
	Collection struct {
		Type     string    `json:"type"`
		CRS      *crs      `json:"crs,omitempty"`
		Features []Feature `json:"features"`
	}
	crs struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
	}
	// Feature is one parcel.
	Feature struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties Properties      `json:"properties"`
	}
	// Properties are a parcel's attributes.
	Properties struct {
		MaXa          string   `json:"maXa"`
		SoHieuToBanDo string   `json:"soHieuToBanDo"`
		SoThuTuThua   string   `json:"soThuTuThua"`
		DienTich      float64  `json:"dienTich"`
		MucDichSuDung []string `json:"mucDichSuDung"`
		DiaChi        string   `json:"diaChi,omitempty"`
		TrangThai     string   `json:"trangThai,omitempty"`
		TranhChap     string   `json:"tranhChap,omitempty"`
		TheChap       string   `json:"theChap,omitempty"`
		NguoiSuDung   []User   `json:"nguoiSuDung,omitempty"`
		GiayChungNhan *Cert    `json:"giayChungNhan,omitempty"`
	}
	// User is a land user.
	User struct {
		HoTen      string `json:"hoTen"`
		SoDinhDanh string `json:"soDinhDanh"`
	}
	// Cert is the valid certificate.
	Cert struct {
		SoPhatHanh string `json:"soPhatHanh"`
		SoVaoSo    string `json:"soVaoSo"`
		NgayCap    string `json:"ngayCap,omitempty"` // YYYY-MM-DD
	}
)

// CRSName names the plane the coordinates are in.
const CRSName = "urn:ogc:def:crs:EPSG::3405" // VN-2000 / UTM zone 48N (docs/land.md)

// ReadCollection parses a FeatureCollection into parcels to import.
func ReadCollection(r io.Reader) ([]ParcelInput, error) {
	var c Collection
	dec := json.NewDecoder(r)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("land: not a GeoJSON FeatureCollection: %w", err)
	}
	if c.Type != "FeatureCollection" {
		return nil, errors.New(`land: the file's "type" is not "FeatureCollection"`)
	}
	out := make([]ParcelInput, 0, len(c.Features))
	for i, f := range c.Features {
		p := f.Properties
		if f.Type != "Feature" {
			return nil, fmt.Errorf("land: feature %d: \"type\" is not \"Feature\"", i+1)
		}
		if p.TrangThai != "" && p.TrangThai != Active {
			continue // the registry imports the parcels in force
		}
		in := ParcelInput{Commune: p.MaXa, Sheet: p.SoHieuToBanDo, Number: p.SoThuTuThua,
			AreaDM2: int64(math.Round(p.DienTich * 100)), LandUse: p.MucDichSuDung, Address: p.DiaChi,
			Dispute: p.TranhChap, Mortgage: p.TheChap}
		if g := strings.TrimSpace(string(f.Geometry)); g != "" && g != "null" {
			in.Geometry = g
		}
		for _, u := range p.NguoiSuDung {
			in.Holders = append(in.Holders, Holder{IDNumber: u.SoDinhDanh, Name: u.HoTen})
		}
		if c := p.GiayChungNhan; c != nil {
			in.Certificate = Certificate{Serial: c.SoPhatHanh, BookNumber: c.SoVaoSo}
			if c.NgayCap != "" {
				t, err := time.Parse("2006-01-02", c.NgayCap)
				if err != nil {
					return nil, fmt.Errorf("land: feature %d: ngayCap %q is not YYYY-MM-DD", i+1, c.NgayCap)
				}
				in.Certificate.IssuedAt = t
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// Feature is a parcel as the exchange format writes it.
func (p *Parcel) Feature() Feature {
	f := Feature{Type: "Feature", Geometry: json.RawMessage("null"), Properties: Properties{
		MaXa: p.Commune, SoHieuToBanDo: p.Sheet, SoThuTuThua: p.Number, DienTich: float64(p.AreaDM2) / 100,
		MucDichSuDung: p.LandUse, DiaChi: p.Address, TrangThai: p.Status, TranhChap: p.Dispute, TheChap: p.Mortgage,
	}}
	if p.Geometry != "" {
		f.Geometry = json.RawMessage(p.Geometry)
	}
	for _, h := range p.Holders {
		f.Properties.NguoiSuDung = append(f.Properties.NguoiSuDung, User{HoTen: h.Name, SoDinhDanh: h.IDNumber})
	}
	for _, c := range p.Certificates {
		if c.Status == "valid" {
			f.Properties.GiayChungNhan = &Cert{SoPhatHanh: c.Serial, SoVaoSo: c.BookNumber, NgayCap: c.IssuedAt.In(zone).Format("2006-01-02")}
		}
	}
	return f
}

var zone = time.FixedZone("ICT", 7*3600)

// Export writes the active parcels of commune ("" for every commune) as
// a FeatureCollection.
func (s *Service) Export(ctx context.Context, w io.Writer, commune string) (int, error) {
	var ids []int64
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM land_parcels WHERE status = 'active' AND (? = '' OR commune = ?) ORDER BY commune, sheet, number`, commune, commune)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	c := Collection{Type: "FeatureCollection", CRS: &crs{Type: "name", Properties: map[string]string{"name": CRSName}}, Features: []Feature{}}
	for _, id := range ids {
		p, err := s.ByID(ctx, nil, id)
		if err != nil {
			return 0, err
		}
		c.Features = append(c.Features, p.Feature())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return len(ids), enc.Encode(c)
}

// enqueue writes the outbox row telling the national land information
// system of change id: the parcel as it is now, with the change's kind
// and dossier.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, change, parcel int64, at time.Time) error {
	p, err := s.ByID(ctx, tx, parcel)
	if err != nil {
		return err
	}
	var kind, code string
	if err := tx.QueryRowContext(ctx, `SELECT kind, dossier_code FROM land_changes WHERE id = ?`, change).Scan(&kind, &code); err != nil {
		return err
	}
	payload, err := json.Marshal(Notice{Change: change, Kind: kind, Dossier: code, At: at.UTC().Format(time.RFC3339), Parcel: p.Feature()})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO land_outbox (change_id, parcel_id, payload, dedupe_key, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?)`, change, parcel, string(payload), fmt.Sprintf("land-change-%d", change), at.UnixMilli(), at.UnixMilli())
	return err
}

// Notice is one change told to the national land information system.
type Notice struct {
	Change  int64   `json:"idBienDong"`
	Kind    string  `json:"loaiBienDong"`
	Dossier string  `json:"maHoSo,omitempty"`
	At      string  `json:"thoiDiem"`
	Parcel  Feature `json:"thuaDat"`
}
