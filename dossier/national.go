package dossier

import (
	"context"
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
