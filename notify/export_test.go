package notify

import "github.com/motcua/motcua/outbox"

// Test hooks, compiled only into this package's tests.

// CrashAt makes w stop dead at stage ("before-send" or "after-send") for
// messages pick selects, as if its process were killed there: nothing
// after that point runs, the leased rows stay as they are.
func CrashAt(w *Worker, stage string, pick func(Message) bool) {
	w.q.Crash(func(s string, m Message) bool { return s == stage && pick(m) })
}

// ErrCrashed is what RunOnce returns after a simulated crash.
var ErrCrashed = outbox.ErrCrashed

// Render fills a kind's templates: subject, in-app text, e-mail body, SMS.
func (s *Service) Render(k Kind, lang string, d Data) (subject, text, email, sms string, err error) {
	r, err := s.render(k, lang, d, false)
	return r.subject, r.text, r.email, r.sms, err
}
