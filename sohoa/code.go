package sohoa

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// The structure of the codes. ASSUMED, and only here: Circular
// 01/2023/TT-VPCP requires a code for each digitised dossier component
// and each result, built from the agency's identifier (the same 13
// characters as the dossier code, Decree 107/2021 / Circular 01/2018), but
// its annex with the exact layout was not at hand (docs/digitisation.md).
// motcua writes
//
//	TP.<agency>.<yyyy>.<nnnnnn>   a component digitised at reception
//	KQ.<agency>.<yyyy>.<nnnnnn>   a result's electronic copy
//
// e.g. KQ.000.00.25.H35.2026.000007: the kind (thành phần / kết quả), the
// agency that digitised the paper or issued the result, the year in
// Vietnam's time and the agency's running number in that year per kind.
// Codes are never reused; the running number continues across restarts.
const (
	componentPrefix = "TP"
	resultPrefix    = "KQ"
)

// nextCode allocates the next code of kind for agency in now's year. The
// upsert is atomic on both engines (on PostgreSQL it locks the sequence
// row until tx ends), so concurrent digitisations, from one instance or
// several on one database, never share a number. A unit recoded by a
// reorganisation numbers under its new identifier, a new prefix: the
// codes it gave before stay unique and valid.
func nextCode(ctx context.Context, tx *store.Tx, kind, agency string, now time.Time) (string, error) {
	p := componentPrefix
	if kind == Result {
		p = resultPrefix
	}
	prefix := p + "." + agency
	year := now.In(calendar.Zone).Year()
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sohoa_sequences (prefix, year, n) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET n = sohoa_sequences.n + 1 RETURNING n`, prefix, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("sohoa: sequence: %w", err)
	}
	return fmt.Sprintf("%s.%d.%06d", prefix, year, n), nil
}
