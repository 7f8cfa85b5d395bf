package dossier

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Tracking is what anyone holding a dossier code may see: no personal
// data beyond a masked name, no officers' notes.
type Tracking struct {
	Code          string       `json:"code"`
	Procedure     string       `json:"procedure"`
	ProcedureName string       `json:"procedure_name"`
	Applicant     string       `json:"applicant"`
	Unit          string       `json:"unit"`
	Status        State        `json:"status"`
	StatusName    string       `json:"status_name"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	ReceivedAt    *time.Time   `json:"received_at,omitempty"`
	DueAt         *time.Time   `json:"due_at,omitempty"`
	ResultAt      *time.Time   `json:"result_at,omitempty"`
	DeliveredAt   *time.Time   `json:"delivered_at,omitempty"`
	Paused        bool         `json:"paused"`
	Overdue       bool         `json:"overdue"`
	Steps         []TrackEvent `json:"steps"`
}

// TrackEvent is one public step of the history.
type TrackEvent struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Name   string    `json:"name"`
	Status string    `json:"status"`
	Unit   string    `json:"unit,omitempty"`
}

// Track returns the public view of a dossier.
func (s *Service) Track(ctx context.Context, code string) (*Tracking, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	d, err := s.load(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	if err := s.decorate(ctx, s.db, d); err != nil {
		return nil, err
	}
	hist, err := s.history(ctx, d)
	if err != nil {
		return nil, err
	}
	t := &Tracking{
		Code: d.Code, Procedure: d.Procedure, ProcedureName: d.ProcedureName,
		Applicant: MaskName(d.Applicant.Name), Unit: d.UnitName,
		Status: d.Status, StatusName: d.StatusName, SubmittedAt: d.SubmittedAt,
		ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, ResultAt: d.ResultAt, DeliveredAt: d.DeliveredAt,
		Paused: d.PausedAt != nil, Overdue: d.Overdue, Steps: make([]TrackEvent, 0, len(hist)),
	}
	for _, e := range hist {
		t.Steps = append(t.Steps, TrackEvent{At: e.At, Action: string(e.Action), Name: e.ActionName, Status: e.To.Name(), Unit: e.Unit})
	}
	return t, nil
}

// MaskName keeps the family name and the initials of the rest:
// "Nguyễn Văn An" → "Nguyễn V. A.".
func MaskName(name string) string {
	parts := strings.Fields(name)
	if len(parts) == 0 {
		return ""
	}
	if len(parts) == 1 {
		r, _ := utf8.DecodeRuneInString(parts[0])
		return string(r) + "***"
	}
	out := []string{parts[0]}
	for _, p := range parts[1:] {
		r, _ := utf8.DecodeRuneInString(p)
		out = append(out, string(r)+".")
	}
	return strings.Join(out, " ")
}
