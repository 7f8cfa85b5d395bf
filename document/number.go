package document

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// The registers every unit has, made on first use (ensureRegisters).
const (
	// RegisterIncoming numbers arrivals: one yearly sequence for paper
	// and electronic documents (Art. 22).
	RegisterIncoming = "incoming"
	// RegisterDecisions numbers outgoing typed documents (QĐ, TB, KH…):
	// 15/QĐ-UBND.
	RegisterDecisions = "decisions"
	// RegisterLetters numbers outgoing official letters: 12/UBND-VX.
	RegisterLetters = "letters"
	// RegisterSecret numbers secret outgoing documents, whatever their
	// type: a separate series (Art. 15).
	RegisterSecret = "secret"
)

// defaultRegisters are the registers of a unit, with their direction and name.
var defaultRegisters = []struct{ code, direction, name string }{
	{RegisterIncoming, In, "Sổ đăng ký văn bản đến"},
	{RegisterDecisions, Out, "Sổ đăng ký văn bản đi (văn bản có tên loại)"},
	{RegisterLetters, Out, "Sổ đăng ký văn bản đi (công văn)"},
	{RegisterSecret, Out, "Sổ đăng ký văn bản đi (văn bản mật)"},
}

// DefaultIssuer is the issuer's abbreviation a new register takes: a
// People's Committee (Ủy ban nhân dân), motcua's usual organ.
const DefaultIssuer = "UBND"

// RegisterInfo is one register of a unit.
type RegisterInfo struct {
	Code      string `json:"code"`
	Direction string `json:"direction"`
	Name      string `json:"name"`
	Issuer    string `json:"issuer"`
	// Last is the last number given in the current year (0: none yet).
	Last int64 `json:"last"`

	id int64
}

// ensureRegisters makes the unit's registers that do not exist yet; two
// transactions doing it at once both succeed (ON CONFLICT DO NOTHING).
func ensureRegisters(ctx context.Context, tx *store.Tx, unitID int64, now time.Time) error {
	for _, r := range defaultRegisters {
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_registers (unit_id, code, direction, name, issuer, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, code) DO NOTHING`,
			unitID, r.code, r.direction, r.name, DefaultIssuer, now.UnixMilli()); err != nil {
			return fmt.Errorf("document: registers: %w", err)
		}
	}
	return nil
}

// register returns the unit's register with code, making the unit's
// registers first if needed.
func register(ctx context.Context, tx *store.Tx, unitID int64, code string, now time.Time) (RegisterInfo, error) {
	if err := ensureRegisters(ctx, tx, unitID, now); err != nil {
		return RegisterInfo{}, err
	}
	var r RegisterInfo
	err := tx.QueryRowContext(ctx, `SELECT id, code, direction, name, issuer FROM document_registers WHERE unit_id = ? AND code = ?`,
		unitID, code).Scan(&r.id, &r.Code, &r.Direction, &r.Name, &r.Issuer)
	return r, err
}

// Year is the numbering year of t: the year in Vietnam, so 31 December
// 23:59 and 1 January 00:00 (17:00 UTC the day before) differ.
func Year(t time.Time) int { return t.In(calendar.Zone).Year() }

// nextNumber gives the next number of register in year. The upsert is
// atomic on both engines: on PostgreSQL it locks the sequence row until tx
// ends, and SQLite has one writer; so concurrent registrations or issues
// never share a number, and a rolled-back transaction gives its number
// back (no gap).
func nextNumber(ctx context.Context, tx *store.Tx, registerID int64, year int) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO document_sequences (register_id, year, n) VALUES (?, ?, 1)
		ON CONFLICT (register_id, year) DO UPDATE SET n = document_sequences.n + 1 RETURNING n`, registerID, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("document: sequence: %w", err)
	}
	return n, nil
}

// FormatNumber writes a document number as Decree 30 does: numbers below
// 10 with a leading 0 ("05"), others as they are ("15", "123").
func FormatNumber(n int64) string { return fmt.Sprintf("%02d", n) }

// Notation is the symbol (CodeNotation) of an outgoing document of type t
// issued by issuer: the type's abbreviation, then the issuer's
// ("QĐ-UBND"); for an official letter, the issuer's then the drafting
// unit's or field's ("UBND-VX", or "UBND" when no field is given).
func Notation(t DocType, issuer, field string) string {
	if t.Abbr != "" {
		return t.Abbr + "-" + issuer
	}
	if field == "" {
		return issuer
	}
	return issuer + "-" + field
}

// registerFor is the outgoing register that numbers a document of type t
// and secrecy.
func registerFor(t DocType, secrecy int) string {
	if secrecy > 0 {
		return RegisterSecret
	}
	return t.Register
}
