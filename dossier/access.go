package dossier

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// canView applies the scope table's ReadDossier (auth.Scopes): a citizen
// sees only their own dossiers; whoever filed a dossier (an officer at the
// counter, a community digital team member) follows it; otherwise an
// officer sees it through a reading role held at its unit, receiving
// unit or competent unit (phi địa giới), or a supervising role held above one of them, or because they
// acted on it. Admins and the
// community team hold no reading role: they see no one else's dossiers.
func (s *Service) canView(ctx context.Context, q store.Querier, a *auth.Actor, d *Dossier) (bool, error) {
	if a == nil {
		return false, nil
	}
	if a.IsCitizen() {
		return d.ownerID == a.ID, nil
	}
	if d.createdByID == a.ID {
		return true, nil
	}
	for _, id := range []int64{d.unitID, d.receivingID, d.competentID} {
		if id == 0 {
			continue // no competent unit of its own
		}
		chain, err := s.units.Chain(ctx, q, id)
		if err != nil {
			return false, err
		}
		if a.Can(auth.ReadDossier, chain) {
			return true, nil
		}
	}
	// An officer who took a step on it (a district clerk on an inter-level
	// dossier now back at the commune) keeps following what they signed.
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM dossier_events WHERE dossier_id = ? AND actor_id = ? LIMIT 1`, d.id, a.ID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// allows reports whether actor a may apply rule r to d.
func allows(a *auth.Actor, d *Dossier, r Rule, p catalog.Procedure) bool {
	if r.OnStep && (d.Step >= len(p.Steps) || p.Steps[d.Step].Role != r.Role) {
		return false
	}
	if r.Move == Back && d.Step <= firstWorkStep(p) {
		return false // nothing before the first processing step to send back to
	}
	if limitReached(d, r.Action) != nil {
		return false
	}
	if r.Where != Anywhere && r.Where != d.where() {
		return false
	}
	switch {
	case r.Role == SystemRole:
		return false // only the sweep, which applies its rule itself
	case r.Role == ApplicantRole:
		return a.ID == d.ownerID
	case r.AtReceiving:
		return a.Has(r.Role, d.deskFor(r.From))
	}
	return a.Has(r.Role, d.unitID)
}

// actionsFor lists what a may do to d now, in table order, without repeats.
func actionsFor(a *auth.Actor, d *Dossier, p catalog.Procedure) []Action {
	var out []Action
	seen := map[Action]bool{}
	for _, r := range Rules {
		// A pause is offered only where the procedure's law excludes a period.
		if r.Action == PauseClock && len(p.Pauses) == 0 {
			continue
		}
		// An answer is offered only while a partner agency's request is open.
		if r.Action == RecordAnswer && !d.WaitingPartner {
			continue
		}
		if r.From == d.Status && !seen[r.Action] && allows(a, d, r, p) {
			seen[r.Action] = true
			out = append(out, r.Action)
		}
	}
	return out
}

// limitReached refuses an action the law allows only once, when it has
// been taken: the supplement request during processing (Decree 118); and
// one the clock forbids (ClockAllows): work on a dossier whose clock an
// officer paused, a pause of a paused clock, a resume of a running one.
func limitReached(d *Dossier, a Action) error {
	if !ClockAllows(d.Status, d.PausedAt != nil, a) {
		if a == ResumeClock {
			return problem.New(problem.ErrState, "clock_not_paused")
		}
		return problem.New(problem.ErrState, "clock_paused", problem.Key("action."+string(a)))
	}
	if a == RequestSupplement && d.Status == Processing && d.Supplements >= 1 {
		return problem.New(problem.ErrState, "supplement_limit")
	}
	// One apology and new date per dossier (issue 10). Source: Decree
	// 118/2025 on late dossiers, which replaces Decree 61/2018 arts. 18–22
	// and turns the apology into an apology with a request for extension
	// (Circular 03/2025, form 04). Our notes (shared domain regulations.md,
	// §1 rule 5) mark the article [M], unchecked against the official
	// text, and do not state the once-only rule for Decree 118: it is kept
	// here, in one place, until the article is checked.
	if a == Apologize && d.Apologized {
		return problem.New(problem.ErrState, "apology_limit")
	}
	return nil
}
