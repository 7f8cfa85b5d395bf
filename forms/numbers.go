package forms

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// series says how a form is numbered (Decree 30/2020 Art. 15 and
// Appendix III: "number/symbol", the symbol being the type abbreviation,
// then "-" and the issuer's abbreviation when the issuer is the agency
// itself rather than its one-stop desk). Forms 06 and 07 are not numbered
// documents: the control slip cites the receipt's number, the register is
// a book kept by year. A result document is numbered in its own series,
// "KQ-<symbol>", with the symbol its template declares ("05/GCN-UBND").
var series = map[string]struct {
	symbol string
	agency bool // "-UBND" follows the symbol
}{
	Receipt:    {symbol: "TNHS"},             // Giấy tiếp nhận hồ sơ và hẹn trả kết quả; also the register's entry number
	Supplement: {symbol: "YCBS"},             // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	Refusal:    {symbol: "TCHS"},             // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	Apology:    {symbol: "PXL"},              // Phiếu xin lỗi và hẹn lại ngày trả kết quả
	StopNotice: {symbol: "TB", agency: true}, // Thông báo (TB) dừng giải quyết hồ sơ
	"result":   {symbol: "KQ", agency: true}, // overridden by the template's own symbol
}

// symbol is the full number and symbol, "05/PXL" or "02/TB-UBND".
func symbol(n int, sym string, agency bool, issuerName string) string {
	s := two(n) + "/" + sym
	if agency {
		s += "-" + issuerAbbrev(issuerName)
	}
	return s
}

// issuerAbbrev abbreviates the issuer for a symbol: People's Committees are
// "UBND" (Appendix III); other names become the initials of their words.
func issuerAbbrev(name string) string {
	n := nfc(name)
	if strings.HasPrefix(n, "UBND") || strings.HasPrefix(strings.ToLower(n), "ủy ban nhân dân") {
		return "UBND"
	}
	var b strings.Builder
	for _, w := range strings.Fields(n) {
		for _, r := range strings.ToUpper(w) {
			b.WriteRune(r)
			break
		}
	}
	return b.String()
}

// number returns the number of a form issued by unit for subject, taking
// the next number of the unit's series for the year of at if the subject
// has none yet. The series' counter row is locked (UPDATE) before the
// subject is looked up again, so two instances issuing at once neither
// repeat nor skip a number.
func (s *Service) number(ctx context.Context, unitID int64, form, subject string, at time.Time) (int, error) {
	var n int
	lookup := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) (bool, error) {
		err := q.QueryRowContext(ctx, `SELECT number FROM form_numbers WHERE unit_id = ? AND series = ? AND subject = ?`,
			unitID, form, subject).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	if found, err := lookup(s.db); found || err != nil {
		return n, err
	}
	year := at.In(calendar.Zone).Year()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_counters (unit_id, series, year, n) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`,
			unitID, form, year); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE form_counters SET n = n WHERE unit_id = ? AND series = ? AND year = ?`,
			unitID, form, year); err != nil {
			return err
		}
		if found, err := lookup(tx); found || err != nil {
			return err // numbered meanwhile by another request
		}
		if err := tx.QueryRowContext(ctx, `UPDATE form_counters SET n = n + 1 WHERE unit_id = ? AND series = ? AND year = ? RETURNING n`,
			unitID, form, year).Scan(&n); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO form_numbers (unit_id, series, year, number, subject, issued_at) VALUES (?, ?, ?, ?, ?, ?)`,
			unitID, form, year, n, subject, s.now().UnixMilli())
		return err
	})
	return n, err
}
