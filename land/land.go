// Package land is the land registry (cơ sở dữ liệu đất đai) of the
// communes motcua serves: parcels by map sheet and parcel number within a
// commune, their land users by personal ID number, their certificates,
// the links of splits and merges and the history of every change, each
// change tied to the dossier that caused it. Land procedures find their
// parcel here (prefill), are refused at submission or reception when the
// applicant is not the registered user or a dispute or mortgage forbids
// the procedure, and change the registry in the transaction that makes
// their result (OnTransitioned). It owns the land_* tables; docs/land.md
// says what was assumed.
package land

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Parcel statuses.
const (
	Active  = "active"
	Retired = "retired"
)

// Parcel is one parcel of the registry.
type Parcel struct {
	ID      int64  `json:"-"`
	Commune string `json:"commune"`
	Sheet   string `json:"sheet"`
	Number  string `json:"number"`
	// AreaDM2 is the area in dm² (0.01 m²); Area formats it in m².
	AreaDM2 int64    `json:"-"`
	LandUse []string `json:"land_use"`
	Address string   `json:"address"`
	// Geometry is the GeoJSON geometry (Polygon or MultiPolygon) in the
	// VN-2000 plane's metres; "" when the parcel has no map yet.
	Geometry string `json:"-"`
	Box      Box    `json:"-"`
	Status   string `json:"status"`
	Dispute  string `json:"dispute,omitempty"`
	Mortgage string `json:"mortgage,omitempty"`
	// Holders are the current land users, Certificates the valid ones.
	Holders      []Holder      `json:"-"`
	Certificates []Certificate `json:"certificates"`
	// Parents and Children are the parcels a split or merge linked.
	Parents, Children []Ref `json:"-"`
	CreatedAt         time.Time
	RetiredAt         *time.Time
}

// Ref names another parcel.
type Ref struct {
	ID                     int64
	Commune, Sheet, Number string
	Status                 string
}

// Holder is a land user of a parcel.
type Holder struct {
	IDNumber, Name string
	Since          time.Time
}

// Certificate is a land-use right certificate (Giấy chứng nhận).
type Certificate struct {
	Serial     string    `json:"serial"`
	BookNumber string    `json:"book_number"`
	IssuedAt   time.Time `json:"issued_at"`
	Status     string    `json:"status"`
}

// Change is one row of a parcel's history.
type Change struct {
	ID          int64
	Kind        string
	DossierCode string
	Detail      string
	ActorName   string
	At          time.Time
}

// Kinds of change.
const (
	KindImport          = "import"
	KindSplit           = "split"
	KindSplitFrom       = "split_from"
	KindMerge           = "merge"
	KindMergeFrom       = "merge_from"
	KindTransfer        = "transfer"
	KindLease           = "lease"
	KindChangeOfUse     = "change_of_use"
	KindCertificate     = "certificate"
	KindMortgage        = "mortgage"
	KindMortgageRelease = "mortgage_release"
)

// Area is the parcel's area in m², as the certificate writes it.
func (p *Parcel) Area() string { return FormatArea(p.AreaDM2) }

// Key is the parcel's sheet/number within its commune.
func (p *Parcel) Key() string { return p.Commune + "/" + p.Sheet + "/" + p.Number }

// HeldBy reports whether idNumber is one of the parcel's current users.
func (p *Parcel) HeldBy(idNumber string) bool {
	for _, h := range p.Holders {
		if h.IDNumber == idNumber && idNumber != "" {
			return true
		}
	}
	return false
}

// FormatArea writes dm² as m² with up to two decimals, comma-free.
func FormatArea(dm2 int64) string {
	s := strconv.FormatInt(dm2/100, 10)
	if r := dm2 % 100; r != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", r), "0")
	}
	return s
}

// ParseArea reads m² ("120", "120.5", "120,25") as dm².
func ParseArea(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, errors.New("land: area: at most two decimals")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, errors.New("land: area: not a number")
	}
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errors.New("land: area: not a number")
	}
	return w*100 + f, nil
}

// Units resolves a commune's code to the chain of units above it
// (*unit.Store wrapped at wiring), for the read right.
type Units interface {
	Entitled(ctx context.Context, a *auth.Actor, r auth.Right, code string) error
	// RecordsOf is the commune whose registry a unit's desk files in: a
	// service centre's commune (two-tier world), else the unit itself.
	RecordsOf(ctx context.Context, q store.Querier, code string) (string, error)
	// ByCode names a commune's unit for the audit log (RecordRead).
	ByCode(ctx context.Context, code string) (unit.Unit, error)
}

// Config builds a Service.
type Config struct {
	Units Units
	// Bus receives event.Security for the registry's privileged changes
	// (imports, measurements, mortgages), recorded by the audit log.
	Bus *event.Bus
	Now func() time.Time
}

// Service is the land registry.
type Service struct {
	db  *store.DB
	cfg Config
}

// New makes the service.
func New(db *store.DB, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{db: db, cfg: cfg}
}

const selectParcel = `SELECT id, commune, sheet, number, area_dm2, land_use, address, geometry, min_x, min_y, max_x, max_y,
	status, dispute, mortgage, created_at, retired_at FROM land_parcels`

func scanParcel(sc interface{ Scan(...any) error }) (*Parcel, error) {
	var p Parcel
	var use string
	var created int64
	var retired sql.NullInt64
	if err := sc.Scan(&p.ID, &p.Commune, &p.Sheet, &p.Number, &p.AreaDM2, &use, &p.Address, &p.Geometry,
		&p.Box.MinX, &p.Box.MinY, &p.Box.MaxX, &p.Box.MaxY, &p.Status, &p.Dispute, &p.Mortgage, &created, &retired); err != nil {
		return nil, err
	}
	p.LandUse = SplitUse(use)
	p.CreatedAt = time.UnixMilli(created)
	if retired.Valid {
		t := time.UnixMilli(retired.Int64)
		p.RetiredAt = &t
	}
	return &p, nil
}

// SplitUse reads the stored "ONT+CLN" form.
func SplitUse(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "+")
}

// errNotFound is a parcel the registry does not hold.
func errNotFound() error { return problem.NotFound("land_parcel_not_found") }

// one reads one parcel by a WHERE clause, with its holders, certificates and links.
func one(ctx context.Context, q store.Querier, where string, args ...any) (*Parcel, error) {
	p, err := scanParcel(q.QueryRowContext(ctx, selectParcel+" WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, err
	}
	return p, decorate(ctx, q, p)
}

func decorate(ctx context.Context, q store.Querier, p *Parcel) error {
	rows, err := q.QueryContext(ctx, `SELECT id_number, name, since_at FROM land_holders WHERE parcel_id = ? AND until_at IS NULL ORDER BY id`, p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var h Holder
		var since int64
		if err := rows.Scan(&h.IDNumber, &h.Name, &since); err != nil {
			rows.Close()
			return err
		}
		h.Since = time.UnixMilli(since)
		p.Holders = append(p.Holders, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT serial, book_number, issued_at, status FROM land_certificates WHERE parcel_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Certificate
		var issued int64
		if err := rows.Scan(&c.Serial, &c.BookNumber, &issued, &c.Status); err != nil {
			rows.Close()
			return err
		}
		c.IssuedAt = time.UnixMilli(issued)
		p.Certificates = append(p.Certificates, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if p.Parents, err = refs(ctx, q, `SELECT p.id, p.commune, p.sheet, p.number, p.status FROM land_parcel_links l
		JOIN land_parcels p ON p.id = l.parent_id WHERE l.child_id = ? ORDER BY p.id`, p.ID); err != nil {
		return err
	}
	p.Children, err = refs(ctx, q, `SELECT p.id, p.commune, p.sheet, p.number, p.status FROM land_parcel_links l
		JOIN land_parcels p ON p.id = l.child_id WHERE l.parent_id = ? ORDER BY p.id`, p.ID)
	return err
}

func refs(ctx context.Context, q store.Querier, query string, args ...any) ([]Ref, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ref
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Commune, &r.Sheet, &r.Number, &r.Status); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Find returns the active parcel with sheet and number in commune.
func (s *Service) Find(ctx context.Context, q store.Querier, commune, sheet, number string) (*Parcel, error) {
	if q == nil {
		q = s.db
	}
	return one(ctx, q, `commune = ? AND sheet = ? AND number = ? AND status = 'active'`, commune, trimNumber(sheet), trimNumber(number))
}

// ByID returns a parcel, active or retired.
func (s *Service) ByID(ctx context.Context, q store.Querier, id int64) (*Parcel, error) {
	if q == nil {
		q = s.db
	}
	return one(ctx, q, `id = ?`, id)
}

// BySerial returns the parcel of a certificate (valid or cancelled) by its serial.
func (s *Service) BySerial(ctx context.Context, q store.Querier, serial string) (*Parcel, error) {
	if q == nil {
		q = s.db
	}
	return one(ctx, q, `id = (SELECT parcel_id FROM land_certificates WHERE serial = ?)`, normSerial(serial))
}

// Covers reports whether the registry holds any parcel of commune: a
// commune whose cadastral records are not in it yet files land dossiers
// on paper, unchecked.
func (s *Service) Covers(ctx context.Context, q store.Querier, commune string) (bool, error) {
	if q == nil {
		q = s.db
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM land_parcels WHERE commune = ? LIMIT 1) x`, commune).Scan(&n)
	return n > 0, err
}

// View is a parcel for an officer holding land.read at its commune.
func (s *Service) View(ctx context.Context, a *auth.Actor, commune, sheet, number string) (*Parcel, error) {
	if err := s.entitled(ctx, a, commune); err != nil {
		return nil, err
	}
	p, err := s.Find(ctx, nil, commune, sheet, number)
	if err != nil && problem.Status(err) == 404 {
		// A retired parcel keeps its page: the newest with the number.
		p, err = one(ctx, s.db, `id = (SELECT MAX(id) FROM land_parcels WHERE commune = ? AND sheet = ? AND number = ?)`,
			commune, trimNumber(sheet), trimNumber(number))
	}
	return p, err
}

// ViewSerial is the parcel of a certificate for an officer holding land.read at its commune.
func (s *Service) ViewSerial(ctx context.Context, a *auth.Actor, serial string) (*Parcel, error) {
	p, err := s.BySerial(ctx, nil, serial)
	if err != nil {
		return nil, err
	}
	if err := s.entitled(ctx, a, p.Commune); err != nil {
		return nil, errNotFound() // a serial tells nothing of a parcel outside the reader's units
	}
	return p, nil
}

func (s *Service) entitled(ctx context.Context, a *auth.Actor, commune string) error {
	if a == nil || a.IsCitizen() {
		return problem.Forbidden("not_your_unit")
	}
	return s.cfg.Units.Entitled(ctx, a, auth.ReadLand, commune)
}

// History is a parcel's changes, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]Change, error) {
	return s.changes(ctx, `parcel_id = ?`, id)
}

// changes reads history rows by a WHERE clause, oldest first.
func (s *Service) changes(ctx context.Context, where string, arg any) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, dossier_code, detail, actor_name, at FROM land_changes WHERE `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.DossierCode, &c.Detail, &c.ActorName, &at); err != nil {
			return nil, err
		}
		c.At = time.UnixMilli(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Neighbours are the active parcels of the commune whose bounding box
// touches p's (within a metre), p aside; at most limit.
func (s *Service) Neighbours(ctx context.Context, p *Parcel, limit int) ([]*Parcel, error) {
	if p.Geometry == "" {
		return nil, nil
	}
	const slack = 100 // cm
	rows, err := s.db.QueryContext(ctx, selectParcel+` WHERE commune = ? AND status = 'active' AND id <> ? AND geometry <> ''
		AND min_x <= ? AND max_x >= ? AND min_y <= ? AND max_y >= ? ORDER BY id LIMIT ?`,
		p.Commune, p.ID, p.Box.MaxX+slack, p.Box.MinX-slack, p.Box.MaxY+slack, p.Box.MinY-slack, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Parcel
	for rows.Next() {
		n, err := scanParcel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// trimNumber drops the leading zeros and spaces a typed number may carry ("07" is sheet 7).
func trimNumber(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// normSerial is a serial as stored: upper case, single spaces.
func normSerial(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

// ChangesOf are the history rows a dossier made, oldest first.
func (s *Service) ChangesOf(ctx context.Context, dossierCode string) ([]Change, error) {
	return s.changes(ctx, `dossier_code = ?`, dossierCode)
}
