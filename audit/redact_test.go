package audit_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// A redaction by the retention job verifies and is counted; an edit that
// borrows its mark — another entry pointed at it, its list changed — breaks
// verification as any edit does.
func TestRedactionVerifies(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		log := audit.New(db)
		at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		record(t, db, log, audit.Entry{At: at, ActorName: "Nguyễn Văn An", ActorRole: dossier.ApplicantRole, Action: "submit",
			Object: "dossier:X-1", Details: `{"note":"gọi 0912345678","step":0}`, ClientAddr: "203.0.113.7"})
		record(t, db, log, audit.Entry{At: at.Add(time.Minute), ActorName: "Trần Bình", ActorRole: "reception", Action: "receive",
			Object: "dossier:X-2", Details: `{"note":"của Lê Chi","step":1}`})
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return log.OnDossierAnonymised(ctx, tx, dossier.Anonymised{At: at.Add(time.Hour), Code: "X-1", Run: "2043-01-01"})
		}); err != nil {
			t.Fatal(err)
		}
		got, err := log.List(ctx, audit.Filter{})
		if err != nil || len(got) != 3 {
			t.Fatalf("%d entries, %v", len(got), err)
		}
		if e := got[0]; e.ActorName != "" || e.ClientAddr != "" || e.Details != `{"step":0}` || e.RedactedBy != got[2].ID {
			t.Errorf("redacted entry = %+v", e)
		}
		if rep := verify(t, log, "", ""); rep.Broken != nil || rep.Redacted != 1 {
			t.Fatalf("after the redaction: broken %v, %d redacted", rep.Broken, rep.Redacted)
		}
		// Another entry edited under the redaction's mark.
		if _, err := db.ExecContext(ctx, `UPDATE audit_entries SET details = '{}', redacted_by = ? WHERE id = ?`, got[2].ID, got[1].ID); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, log, "", ""); rep.Broken == nil || rep.Broken.ID != got[1].ID {
			t.Errorf("an entry edited under a redaction that does not list it verified: %+v", rep.Broken)
		}
	})
}
