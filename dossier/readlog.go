package dossier

import (
	"context"
	"encoding/json"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// The audit log's names of an officer's reads of personal data.
const (
	// ReadDossier: the dossier's page or JSON (applicant, e-form, files list).
	ReadDossier = "dossier_read"
	// DownloadFile: an attachment's content.
	DownloadFile = "file_downloaded"
	// PrintForm: a form or the result document rendered from the dossier.
	PrintForm = "form_printed"
	// PrintBook: a unit's tracking book (every dossier of a period).
	PrintBook = "tracking_book_printed"
)

// RecordRead publishes event.Security for an officer's read of personal
// data: action (ReadDossier…) on object ("dossier:<code>", "unit:<code>")
// at unitID, with detail (a file's or a form's name). A citizen reading
// their own dossier is not recorded. A read has no transaction of its
// own, so one is opened for the publish; its failure fails the read (the
// data is not shown unless the read is on record).
func (s *Service) RecordRead(ctx context.Context, a *auth.Actor, unitID int64, object, action, detail string) error {
	if a == nil || a.IsCitizen() || len(event.Listeners[event.Security](s.cfg.Events)) == 0 {
		return nil
	}
	var details string
	if detail != "" {
		b, _ := json.Marshal(map[string]string{"what": detail})
		details = string(b)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Events, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.FullName,
			ActorRole: roleAt(a, unitID), UnitID: unitID, Action: action, Object: object, Details: details})
	})
}

// Read is Get for showing a dossier to a: an officer's read is recorded
// (ReadDossier) before the dossier is returned.
func (s *Service) Read(ctx context.Context, a *auth.Actor, code string) (*Dossier, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if err := s.RecordRead(ctx, a, d.UnitID(), "dossier:"+d.Code, ReadDossier, ""); err != nil {
		return nil, err
	}
	return d, nil
}

// roleAt is the first role a holds at unitID ("" when the right comes
// from elsewhere, a parent unit's supervision for instance).
func roleAt(a *auth.Actor, unitID int64) string {
	for _, g := range a.Grants {
		if g.UnitID == unitID {
			return g.Role
		}
	}
	return ""
}
