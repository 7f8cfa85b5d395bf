package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSupplementLimitOnTrackingAndLapse (issue 10): the applicant reads on
// public tracking exactly what to bring and by when; past the limit the
// sweep closes the returned dossier as not received, in its history as
// the system's act, and the applicant hears of it by e-mail (the notify
// listener's outbox).
func TestSupplementLimitOnTrackingAndLapse(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		p := e.procedure("2.000884")
		d := e.submit(p.Code, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "request-supplement", map[string]any{"note": "Hồ sơ chưa đầy đủ.",
			"items": []map[string]any{{"component": p.Components[1].Key, "reason": "Chưa có chữ ký của người yêu cầu"}}})
		status, body, _ := page(t, e.srv.URL+"/tra-cuu?ma="+d.Code+"&t="+d.TrackToken)
		// Requested on 02/03/2026: 30 days of the unit's default to the end of 01/04.
		for _, want := range []string{p.Components[1].Name, "Chưa có chữ ký của người yêu cầu", "Hạn bổ sung: hết ngày 01/04/2026"} {
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("tracking (%d) lacks %q", status, want)
			}
		}
		e.flush()
		before := len(e.smtp.To(demo.Citizen.Email))

		e.advance(29 * 24 * time.Hour)
		if n, err := e.app.Dossiers.LapseSupplements(context.Background()); err != nil || n != 0 {
			t.Fatalf("within the limit the sweep closed %d (%v)", n, err)
		}
		e.clock.Set(time.Date(2026, 4, 2, 0, 0, 0, 0, ict))
		if n, err := e.app.Dossiers.LapseSupplements(context.Background()); err != nil || n != 1 {
			t.Fatalf("past the limit the sweep closed %d (%v)", n, err)
		}
		got := e.get("gialam.tiepnhan", d.Code)
		last := got.History[len(got.History)-1]
		if got.Status != "refused" || last.Action != "lapse" || last.Role != "system" || !strings.Contains(last.Note, "Quá thời hạn bổ sung") {
			t.Fatalf("after the sweep: %s, last event %+v", got.Status, last)
		}
		e.flush()
		mails := e.smtp.To(demo.Citizen.Email)
		if len(mails) != before+1 || !strings.Contains(mails[len(mails)-1].Body, "Quá thời hạn bổ sung") {
			t.Fatalf("%d e-mails after the sweep (%d before); the last: %+v", len(mails), before, mails[len(mails)-1:])
		}
	})
}
