package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
)

// WorkFileDue tells an officer that a work file they keep is due for
// the organ's archive within 30 days (Data.Code: the file code,
// Data.Title, Data.Unit: the organ, Data.Due: the last day).
const WorkFileDue Kind = "work_file_due"

// DocumentKinds lists the kinds about documents and work files rather
// than dossiers (templates exist for each in every language).
var DocumentKinds = []Kind{WorkFileDue}

// OnWorkFileDueSoon is the document.WorkFileDueSoon listener: the file's
// keeper is told by e-mail (if they have an address and want e-mail) and
// in-app, in the transaction that records the warning. A file whose
// keeper is unknown tells nobody: the work-files page still lists it
// first. The key is the file and its due date, so a repeat writes nothing.
func (s *Service) OnWorkFileDueSoon(ctx context.Context, tx *store.Tx, e document.WorkFileDueSoon) error {
	if e.KeeperID == 0 {
		return nil
	}
	due, err := time.ParseInLocation(time.DateOnly, e.ArchiveDue, calendar.Zone)
	if err != nil {
		return fmt.Errorf("notify: work file %d: due date %q: %w", e.FileID, e.ArchiveDue, err)
	}
	return s.Send(ctx, tx, Notification{Kind: WorkFileDue, To: Recipient{UserID: e.KeeperID},
		Key: fmt.Sprintf("work-file-%d/%s", e.FileID, e.ArchiveDue), Path: fmt.Sprintf("/can-bo/ho-so-cong-viec/%d", e.FileID),
		Data: Data{Code: e.FileCode, Title: e.Title, Unit: e.Organ, Due: &due}})
}
