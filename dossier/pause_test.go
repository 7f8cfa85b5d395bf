package dossier

import "testing"

// TestClockAllows: while an officer's pause holds the clock of a dossier in
// processing, its work waits — no forwarding, approval, send-back,
// supplement request, refusal or apology until the clock resumes — but
// the leader may stop it and the applicant withdraw it. A running clock
// cannot be resumed, a paused one not paused again; other states are not
// concerned (the supplement pause is its own state).
func TestClockAllows(t *testing.T) {
	cases := []struct {
		st     State
		paused bool
		a      Action
		want   bool
	}{
		{Processing, false, PauseClock, true},
		{Processing, false, ResumeClock, false},
		{Processing, false, Forward, true},
		{Processing, true, PauseClock, false},
		{Processing, true, ResumeClock, true},
		{Processing, true, Forward, false},
		{Processing, true, Approve, false},
		{Processing, true, SendBack, false},
		{Processing, true, RequestSupplement, false},
		{Processing, true, Refuse, false},
		{Processing, true, Apologize, false},
		{Processing, true, Stop, true},
		{Processing, true, Withdraw, true},
		{Processing, true, Consult, true},
		{Processing, true, RecordAnswer, true},
		{SupplementRequested, true, Supplement, true},
		{ResultReady, false, Deliver, true},
	}
	for _, c := range cases {
		if got := ClockAllows(c.st, c.paused, c.a); got != c.want {
			t.Errorf("ClockAllows(%s, paused=%v, %s) = %v, want %v", c.st, c.paused, c.a, got, c.want)
		}
	}
	// Every pause and resume row is the step holder's, with a written note,
	// and leaves the dossier in processing.
	for _, r := range Rules {
		if r.Action == PauseClock || r.Action == ResumeClock {
			if r.From != Processing || r.To != Processing || !r.OnStep || !r.NeedsNote || r.Move != Stay {
				t.Errorf("pause row %+v: want processing → processing, on step, with a note", r)
			}
		}
	}
}
