package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// The retention job (dossier.Anonymise) removes a closed dossier's
// personal data when its retention ends. The log holds some of it: the
// applicant's name and address where they acted, and the notes of acts
// in the details. The chain hashes every column, so those cannot simply
// be blanked. Redact does it in the open instead: it appends one entry,
// action "anonymise", whose details list the entries it redacted and the
// new digests of the dossier's history rows (their notes were emptied
// too), then blanks those columns and marks each redacted entry with the
// appending entry's id (redacted_by, outside the hash). Verify accepts a
// redacted entry whose content no longer matches its hash only when the
// entry it names is an intact "anonymise" entry listing it, and compares
// its anchor with the digest that entry recorded; it counts them
// (Report.Redacted). The links between entries — each entry's stored
// hash, the next one's prev_hash, the day's head — are untouched.

// RedactAction is the action of the entry that records a redaction.
const RedactAction = "anonymise"

// redaction is the details of a RedactAction entry.
type redaction struct {
	Run      string            `json:"run"`
	Redacted []int64           `json:"redacted"`
	Events   map[string]string `json:"dossier_events,omitempty"`
}

// OnDossierAnonymised is Redact for a dossier the retention job
// anonymised (listener of dossier.Anonymised).
func (l *Log) OnDossierAnonymised(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	return l.Redact(ctx, tx, e)
}

// Redact removes the personal data of the entries about the dossier e
// names, in tx, and records that it did (see above). It does so just
// before tx commits, after the entries recorded earlier in tx have been
// appended (Record), so it redacts those too, and it holds the day's head
// only from its own append on.
func (l *Log) Redact(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	tx.BeforeCommit(func() error { return l.redact(ctx, tx, e) })
	return nil
}

func (l *Log) redact(ctx context.Context, tx *store.Tx, e dossier.Anonymised) error {
	object := "dossier:" + e.Code
	rows, err := tx.QueryContext(ctx, selectEntry+` WHERE object = ? AND redacted_by = 0 AND action <> ? ORDER BY id`, object, RedactAction)
	if err != nil {
		return err
	}
	var entries []Entry
	for rows.Next() {
		en, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, en)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	r := redaction{Run: e.Run, Events: map[string]string{}}
	for _, en := range entries {
		r.Redacted = append(r.Redacted, en.ID)
	}
	for id, d := range e.EventDigests {
		r.Events[strconv.FormatInt(id, 10)] = d
	}
	details, err := json.Marshal(r)
	if err != nil {
		return err
	}
	by, err := l.append(ctx, tx, Entry{At: e.At, ActorName: dossier.SystemName, ActorRole: dossier.SystemRole,
		Action: RedactAction, Object: object, Details: string(details)})
	if err != nil {
		return err
	}
	for _, en := range entries {
		name, addr := en.ActorName, en.ClientAddr
		if en.ActorRole == dossier.ApplicantRole {
			name, addr = "", ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_entries SET actor_name = ?, client_addr = ?, details = ?, redacted_by = ? WHERE id = ?`,
			name, addr, withoutNote(en.Details), by, en.ID); err != nil {
			return err
		}
	}
	return nil
}

// withoutNote is a dossier entry's details without its free text: the
// note of a transition (transitionDetails), anything that is not JSON.
func withoutNote(details string) string {
	if details == "" {
		return ""
	}
	var m map[string]any
	if json.Unmarshal([]byte(details), &m) != nil {
		return ""
	}
	delete(m, "note")
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	return string(b)
}

// redactions reads and checks the RedactAction entries that redacted
// entries name, for Verify.
type redactions struct {
	q    store.Querier
	seen map[int64]*redaction // nil: not an intact redaction entry
}

// of returns the redaction recorded by entry id, nil when that entry is
// missing, edited or not a redaction.
func (rs *redactions) of(ctx context.Context, id int64) (*redaction, error) {
	if r, ok := rs.seen[id]; ok {
		return r, nil
	}
	rs.seen[id] = nil
	en, err := scanEntry(rs.q.QueryRowContext(ctx, selectEntry+` WHERE id = ?`, id))
	if err != nil {
		return nil, nil // missing: the redacted entry is judged broken
	}
	if en.Action != RedactAction || hashOf(en) != en.Hash {
		return nil, nil
	}
	var r redaction
	if json.Unmarshal([]byte(en.Details), &r) != nil {
		return nil, nil
	}
	rs.seen[id] = &r
	return &r, nil
}

// vouches reports whether the redaction recorded by e.RedactedBy lists
// e, and returns the digest it recorded for e's history row.
func (rs *redactions) vouches(ctx context.Context, e Entry) (ok bool, digest string, err error) {
	if e.RedactedBy == 0 {
		return false, "", nil
	}
	r, err := rs.of(ctx, e.RedactedBy)
	if err != nil || r == nil {
		return false, "", err
	}
	for _, id := range r.Redacted {
		if id == e.ID {
			d, found := r.Events[strconv.FormatInt(e.HistoryID, 10)]
			if e.HistoryTable == "dossier_events" && !found {
				return false, "", fmt.Errorf("audit: redaction %d lists entry %d but not its history row", e.RedactedBy, e.ID)
			}
			return true, d, nil
		}
	}
	return false, "", nil
}
