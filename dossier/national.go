package dossier

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// ChannelNationalPortal is the channel of a dossier filed on the National
// Public Service Portal (Cổng DVC quốc gia) and brought into the
// reception queue by package dvcqg.
const ChannelNationalPortal = "dvcqg"

// Online reports whether a dossier filed on channel was filed online, as
// the reports count it (Decision 766's online share): here, or on the
// national portal.
func Online(channel string) bool { return channel == "online" || channel == ChannelNationalPortal }

// portalFiling is what SubmitFromPortal adds to a submission: the files
// the citizen filed on the portal, already stored (StoreBlob).
type portalFiling struct {
	files []File
}

// SubmitFromPortal files, as motcua's system, a dossier the citizen filed
// on the national portal: channel ChannelNationalPortal, waiting for the
// reception check like any other, with files (each stored by StoreBlob,
// its Component a key of the procedure's components) attached in the same
// transaction (a Component may also be the component's code). The dvcqg listener of Transitioned records the portal's
// reference in that transaction too, so the same portal dossier can never
// become two.
func (s *Service) SubmitFromPortal(ctx context.Context, in SubmitInput, files []File) (*Dossier, error) {
	in.IdempotencyKey = "" // idempotent by the portal's reference instead
	d, _, err := s.submit(ctx, systemActor(), in, &portalFiling{files: files})
	return d, err
}

// attach records the portal's files of dossier id.
func (f *portalFiling) attach(ctx context.Context, tx *store.Tx, p catalog.Procedure, id int64, now time.Time) error {
	// The portal names a component by its code (MaThanhPhanHoSo, as
	// motcua sends it) or, where the catalog gives it none, by its key.
	known := map[string]string{}
	for _, c := range p.Components {
		known[c.Key] = c.Key
		if c.Code != "" {
			known[c.Code] = c.Key
		}
	}
	for i := range f.files {
		fl := f.files[i]
		key, ok := known[fl.Component]
		if !ok {
			return problem.Invalid("component", "unknown_component", fl.Component)
		}
		fl.Component = key
		fl.ID, fl.Kind, fl.Name, fl.UploadedAt = 0, "component", cleanName(fl.Name), now
		if err := insertFile(ctx, tx, id, 0, &fl); err != nil {
			return err
		}
	}
	return nil
}

// SupplementAsked is one supplement request of a dossier and how it ended, for
// a reader outside this module (dvcqg reports them to the national portal).
type SupplementAsked struct {
	EventID  int64
	At       time.Time
	By       string
	Note     string
	Deadline time.Time
	Items    []SupplementItem
	// EndedAt, EndedBy and EndAction are the act that left the state the
	// request put the dossier in (Supplement: the applicant supplemented;
	// another: it lapsed, was withdrawn…); EndedAt nil while it is open.
	EndedAt   *time.Time
	EndedBy   string
	EndAction Action
}

// SupplementsOf reads the supplement requests of dossier id, oldest first,
// with q (the caller's transaction when it must see the act being made).
func SupplementsOf(ctx context.Context, q store.Querier, id int64) ([]SupplementAsked, error) {
	reqs, err := requests(ctx, q, id)
	if err != nil || len(reqs) == 0 {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.at, e.actor_name, e.note, e.to_status,
		(SELECT MIN(n.id) FROM dossier_events n WHERE n.dossier_id = e.dossier_id AND n.id > e.id AND n.from_status = e.to_status)
		FROM dossier_events e JOIN dossier_supplement_requests r ON r.event_id = e.id WHERE r.dossier_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	var out []SupplementAsked
	var ends []*int64
	for rows.Next() {
		var s SupplementAsked
		var at int64
		var to string
		var end *int64
		if err := rows.Scan(&s.EventID, &at, &s.By, &s.Note, &to, &end); err != nil {
			rows.Close()
			return nil, err
		}
		s.At = fromMs(at)
		if r := reqs[s.EventID]; r != nil {
			s.Deadline, s.Items = r.Deadline, r.Items
		}
		out = append(out, s)
		ends = append(ends, end)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, end := range ends {
		if end == nil {
			continue
		}
		var at int64
		if err := q.QueryRowContext(ctx, `SELECT at, actor_name, action FROM dossier_events WHERE id = ?`, *end).
			Scan(&at, &out[i].EndedBy, &out[i].EndAction); err != nil {
			return nil, err
		}
		t := fromMs(at)
		out[i].EndedAt = &t
	}
	return out, nil
}

// portalForm keeps, of a form filed on the national portal that checkForm
// refused, the values motcua's form accepts; the others are named in the
// submission's note (portalFormNote) for the reception officer, who may
// ask once for a supplement.
func portalForm(p catalog.Procedure, in map[string]any) map[string]string {
	out := map[string]string{}
	for _, f := range p.Form {
		v, err := checkForm(catalog.Procedure{Form: []catalog.FormField{f}}, map[string]any{f.Key: in[f.Key]})
		if err == nil && v[f.Key] != "" {
			out[f.Key] = v[f.Key]
		}
	}
	return out
}

// portalFormNote names the fields of the procedure's form that the
// portal's form leaves empty or gives a value motcua's refuses; "" when
// there are none.
func portalFormNote(p catalog.Procedure, in map[string]any) string {
	var bad []string
	for _, f := range p.Form {
		if _, err := checkForm(catalog.Procedure{Form: []catalog.FormField{f}}, map[string]any{f.Key: in[f.Key]}); err != nil {
			bad = append(bad, f.Label)
		}
	}
	known := map[string]bool{}
	for _, f := range p.Form {
		known[f.Key] = true
	}
	var extra []string
	for k, v := range in {
		if !known[k] {
			extra = append(extra, fmt.Sprintf("%.100s: %.200v", k, v))
		}
	}
	slices.Sort(extra)
	var note []string
	if len(bad) > 0 {
		note = append(note, "Tờ khai nhận từ Cổng Dịch vụ công quốc gia thiếu hoặc sai: "+strings.Join(bad, "; ")+".")
	}
	if len(extra) > 0 {
		// Kept here, since the dossier's form holds only its own fields.
		note = append(note, "Thông tin khác trên tờ khai của Cổng: "+strings.Join(extra, "; ")+".")
	}
	if len(note) == 0 {
		return ""
	}
	return strings.Join(note, " ") + " Đề nghị kiểm tra khi tiếp nhận."
}
