package demo

// Planning one dossier's life: its submission, reception, fee, the
// procedure's steps with what happens on the way (a supplement asked
// during processing, a pause the law excludes, a refusal, a withdrawal, a
// stop, lateness and its apology), payment online or at the desk, the
// result handed over at the counter or sent by post, and the applicant's
// rating. Every act is timed in working hours by the calendar in force.

import (
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/unit"
)

// op is what a planned step does.
type op int

const (
	opSubmit    op = iota
	opAct          // a dossier action (dossier.Service.Act)
	opFee          // an officer asks for the fee (payment.Service.Request)
	opPayOnline    // the applicant pays at the VNPAY simulator
	opPayCancel    // the applicant cancels at the gateway (the payment fails)
	opPayDesk      // the fee is paid at the counter, cash or POS
	opShip         // the result goes by post (postal.Service.Create delivers)
	opTrack        // the post moves the item on (simulator webhooks)
	opRate         // the applicant rates the delivered dossier
)

// step is one planned act on a dossier.
type step struct {
	at     time.Time
	d      int // index in plans
	i      int // index in the plan's steps
	op     op
	action dossier.Action
	actor  *auth.Actor
	note   string
	newDue *time.Time
	kind   string // pause kind
	items  bool   // a supplement request's items
	n      int    // fee: pages; track: statuses
	copies int
	pos    bool // desk payment by card
	score  string
}

type plan struct {
	in   dossier.SubmitInput
	by   *auth.Actor // who files it: the citizen online, the desk otherwise
	addr postal.Address
	code string
	item string // the post's item code
	// steps after cut are not taken (Live leaves dossiers in its queues); -1: all.
	cut   int
	steps []step
	// A land dossier's parcel area (dm²) and whether its split was measured (demo/land.go).
	parcelArea int64
	measured   bool
}

// Outcomes of a planned dossier (Stats counts them).
const (
	outOnTime     = "ontime"
	outLate       = "late"         // result after the deadline, apology with a new date
	outReturned   = "returned"     // returned for completion at reception, then received
	outSupplement = "supplement"   // a supplement asked during processing
	outPaused     = "paused"       // a pause the procedure's law excludes
	outRefused    = "refused"      // refused after examination (the result is the refusal)
	outWithdrawn  = "withdrawn"    // withdrawn at the applicant's request
	outStopped    = "stopped"      // processing stopped (Mẫu 05)
	outRejected   = "rejected"     // refused at reception (Mẫu 03): never received
	outWaiting    = "withdraw-req" // Live: the applicant's withdrawal awaits the desk
)

// Rates, per thousand dossiers, of what happens on the way. The seed
// district reports 100% on time; the generator keeps a small late share so
// apologies exist. Refusals at reception are Live's only (Generate keeps
// every dossier received, so the year's totals are the district's).
const (
	perMilleRefused    = 5
	perMilleWithdrawn  = 4
	perMilleStopped    = 1
	perMilleLate       = 15
	perMilleSupplement = 20
	perMilleReturned   = 15
	perMilleRejected   = 5
	// Of the fees of dossiers filed online, the share paid at the gateway;
	// the rest, and every fee of a dossier filed at the counter, is paid at
	// the desk. One online payer in twenty cancels once before paying.
	onlinePayShare = 0.7
	// Share of online applicants who rate their delivered dossier.
	ratedShare = 0.35
)

// pauseShare is how often a procedure's pause of a kind happens: most
// land dossiers wait for the tax office's notice, few civil status ones
// need a verification.
var pauseShare = map[string]float64{catalog.PauseFinancialObligation: 0.6, catalog.PausePosting: 0.8, catalog.PauseVerification: 0.1, catalog.PauseInspection: 0.3}

func (g *gen) outcome(p catalog.Procedure) string {
	x := g.r.IntN(1000)
	for _, o := range []struct {
		n   int
		out string
	}{{perMilleRefused, outRefused}, {perMilleWithdrawn, outWithdrawn}, {perMilleStopped, outStopped}, {perMilleLate, outLate},
		{perMilleSupplement, outSupplement}, {perMilleReturned, outReturned}, {perMilleRejected, outRejected}} {
		if o.out == outRejected && !g.rejects {
			continue
		}
		if x < o.n {
			return o.out
		}
		x -= o.n
	}
	if len(p.Pauses) > 0 && g.r.Float64() < pauseShare[p.Pauses[0].Kind] {
		return outPaused
	}
	return outOnTime
}

// officer is who does step s of p for a dossier received at u.
func (g *gen) officer(u unit.Unit, p catalog.Procedure, s catalog.Step, at time.Time) (*auth.Actor, error) {
	key := fmt.Sprintf("%d|%s|%s|%s", u.ID, s.Level, s.Kind, p.Code)
	id, ok := g.stepUnits[key]
	if !ok {
		su, err := g.units.ForStep(g.ctx, g.db, u.ID, unit.Step{Level: s.Level, Kind: s.Kind, Procedure: p.Code}, at)
		if err != nil {
			return nil, fmt.Errorf("demo: unit for %s step %q from %s: %w", p.Code, s.Name, u.Code, err)
		}
		id = su.ID
		g.stepUnits[key] = id
	}
	by := g.staff[id][s.Role]
	if by == nil {
		return nil, fmt.Errorf("demo: no %s for %s step %q from %s", s.Role, p.Code, s.Name, u.Code)
	}
	return by, nil
}

// dossier plans one dossier filed at t at unit u; its steps in time order.
func (g *gen) dossier(p catalog.Procedure, u unit.Unit, online bool, t time.Time, force string) (plan, string, error) {
	pl, out, err := g.life(p, u, online, t, force)
	slices.SortStableFunc(pl.steps, func(a, b step) int { return a.at.Compare(b.at) })
	return pl, out, err
}

// life plans one dossier filed at t at unit u (its one-stop desk).
// force, when set, is the outcome (Live's queues); it returns the outcome.
func (g *gen) life(p catalog.Procedure, u unit.Unit, online bool, t time.Time, force string) (plan, string, error) {
	r := g.r
	desk := g.staff[u.ID][auth.Reception]
	if desk == nil {
		return plan{}, "", fmt.Errorf("demo: no reception at %s", u.Code)
	}
	w := g.cal.AddWorking
	pl := plan{in: dossier.SubmitInput{Procedure: p.Code, Unit: u.Code, Delivery: "counter"}, cut: -1}
	var app dossier.Applicant
	var applicant *auth.Actor // who supplements a returned dossier
	if online {
		c := pick(r, g.citizens)
		pl.by, applicant = c, c
		app = dossier.Applicant{Name: c.FullName, IDNumber: c.IDNumber, Phone: c.Phone, Address: c.Address}
		pl.in.Channel = "online"
	} else {
		pl.by, applicant = desk, desk
		app = person(r, 1+r.IntN(len(communes)))
		pl.in.Channel = "counter"
		if r.IntN(6) == 0 {
			pl.in.Channel = "post"
		}
	}
	if r.IntN(10) == 0 {
		pl.in.Delivery = "post"
		pl.addr = postal.Address{ProvinceCode: ProvinceCode, CommuneCode: pick(r, g.postAreas[u.ID]), Detail: pick(r, villages)}
	}
	pl.in.Applicant = app
	pl.in.Form = g.form(p, app, t)
	outcome := force
	if outcome == "" {
		outcome = g.outcome(p)
	}
	pl.steps = append(pl.steps, step{at: t, op: opSubmit})
	add := func(after time.Duration, s step) {
		t = w(t, max(after, minute))
		s.at = t
		pl.steps = append(pl.steps, s)
	}
	act := func(after time.Duration, a dossier.Action, by *auth.Actor, note string) {
		add(after, step{op: opAct, action: a, actor: by, note: note})
	}
	// Reception: at once at the counter, within hours for online and post.
	wait := time.Duration(5+r.IntN(20)) * minute
	if pl.in.Channel != "counter" {
		wait = time.Duration(15+r.IntN(180)) * minute
	}
	switch outcome {
	case outRejected:
		act(wait, dossier.Refuse, desk, "Thủ tục không thuộc thẩm quyền giải quyết hoặc hồ sơ không đủ điều kiện (Mẫu 03).")
		return pl, outcome, nil
	case outReturned:
		// Mẫu 02 names what is missing (issue 10): a free line, as every
		// procedure's components differ.
		add(wait, step{op: opAct, action: dossier.RequestSupplement, actor: desk, items: true, note: "Đề nghị bổ sung bản sao giấy tờ còn thiếu (Mẫu 02)."})
		act(time.Duration(1+r.IntN(3))*8*time.Hour, dossier.Supplement, applicant, "")
		wait = time.Duration(10+r.IntN(60)) * minute
	}
	act(wait, dossier.Receive, desk, "")
	received := t
	due, err := g.cal.Due(received, p.Time.Unit, p.Time.Value)
	if err != nil {
		return pl, "", err
	}
	allowed := g.cal.WorkingBetween(received, due)
	first, last := workSteps(p)
	n := last - first + 1
	// On time: the result comes at 25–85% of the allowed time, delivered
	// before the deadline. Late: the result comes 0.5–3 working days after it.
	var result time.Duration
	if outcome == outLate {
		result = allowed + time.Duration(4+r.IntN(20))*time.Hour
	} else {
		result = time.Duration(float64(allowed) * (0.25 + 0.6*r.Float64()))
	}
	per := result / time.Duration(max(n, 1))
	switch outcome {
	case outWithdrawn, outWaiting:
		if online {
			act(per/2, dossier.Withdraw, applicant, "Người nộp hồ sơ đề nghị rút hồ sơ.")
			if outcome == outWaiting {
				return pl, outcome, nil
			}
			act(time.Duration(30+r.IntN(240))*minute, dossier.AcknowledgeWithdrawal, desk, "")
		} else {
			act(per/2, dossier.Withdraw, desk, "Người nộp hồ sơ đề nghị rút hồ sơ bằng văn bản tại bộ phận một cửa.")
		}
		return pl, outcome, nil
	}
	// After the clock stopped at stopped (a supplement, a pause), what was
	// left of the allowed time counts from the restart: the steps from i
	// on share 70% of it, so the result still comes within the deadline.
	resumed := func(stopped time.Time, i int) time.Duration {
		left := allowed - g.cal.WorkingBetween(received, stopped)
		return min(per, max(minute, left*7/10/time.Duration(last-i+1)))
	}
	supplemented, refused := false, false
	for i := first; i <= last; i++ {
		s := p.Steps[i]
		by, err := g.officer(u, p, s, t)
		if err != nil {
			return pl, "", err
		}
		if i == first && outcome == outPaused {
			x := p.Pauses[0]
			days := 2 + r.IntN(8)
			if x.MaxWorkingDays > 0 {
				days = 1 + r.IntN(x.MaxWorkingDays)
			} else if x.MaxDays > 0 {
				// Within the legal period in calendar days, holidays and all:
				// past it the clock counts again.
				days = x.MaxDays * 5 / 7
				for days > 1 && w(t, time.Duration(days)*8*time.Hour).After(t.AddDate(0, 0, x.MaxDays-1)) {
					days--
				}
			}
			add(per/3, step{op: opAct, action: dossier.PauseClock, actor: by, kind: x.Kind, note: pauseNotes[x.Kind]})
			stopped := t
			act(time.Duration(days)*8*time.Hour, dossier.ResumeClock, by, "Đã hết thời gian không tính vào thời hạn giải quyết; tiếp tục giải quyết.")
			per = resumed(stopped, i)
		}
		if outcome == outSupplement && !supplemented && s.Role == auth.Specialist {
			add(per/2, step{op: opAct, action: dossier.RequestSupplement, actor: by, items: true,
				note: "Hồ sơ cần bổ sung giấy tờ để có căn cứ giải quyết (Mẫu 02)."})
			stopped := t
			act(time.Duration(1+r.IntN(4))*8*time.Hour, dossier.Supplement, applicant, "")
			per = resumed(stopped, i)
			supplemented = true
		}
		if s.Role == auth.Leader && outcome == outStopped {
			act(per, dossier.Stop, by, "Dừng giải quyết hồ sơ theo đề nghị của cơ quan có thẩm quyền (Mẫu 05).")
			return pl, outcome, nil
		}
		if s.Role == auth.Leader && outcome == outRefused {
			act(per, dossier.Refuse, by, "Hồ sơ không đủ điều kiện giải quyết theo quy định; trả lời bằng văn bản nêu rõ lý do.")
			refused = true
			break
		}
		a := dossier.Forward
		if s.Role == auth.Leader {
			a = dossier.Approve
		}
		act(per, a, by, "")
	}
	switch {
	case outcome == outSupplement && !supplemented, outcome == outRefused && !refused, outcome == outStopped:
		outcome = outOnTime // the procedure has no such step
	}
	// The fee is asked for at reception; the applicant of an online dossier
	// mostly pays at the gateway soon after, before the result is ready;
	// the others pay at the desk when the result is handed over. Neither
	// holds up the processing.
	paidOnline, fee := false, false
	pages, copies := 0, 0
	if pm, cm := payment.CountsMatter(p); pm || cm {
		pages, copies = 1+r.IntN(6), 1+r.IntN(3)
	}
	if _, total := payment.ComputeFee(p, max(pages, 1), max(copies, 1), ""); total > 0 {
		fee = true
		gap := g.cal.WorkingBetween(received, t)
		at := w(received, max(minute, min(time.Duration(2+r.IntN(10))*minute, gap/4)))
		pl.steps = append(pl.steps, step{at: at, op: opFee, actor: desk, n: pages, copies: copies})
		if online && r.Float64() < onlinePayShare {
			gap = g.cal.WorkingBetween(at, t)
			if r.IntN(20) == 0 {
				at = w(at, max(minute, min(time.Duration(5+r.IntN(30))*minute, gap/4)))
				pl.steps = append(pl.steps, step{at: at, op: opPayCancel, actor: applicant})
			}
			at = w(at, max(minute, min(time.Duration(10+r.IntN(120))*minute, gap/2)))
			pl.steps = append(pl.steps, step{at: at, op: opPayOnline, actor: applicant})
			paidOnline = true
			if t.Before(at) {
				t = at // the result waits for the fee
			}
		}
	}
	left := g.cal.WorkingBetween(t, due)
	handOver := time.Duration(float64(left) * 0.8 * r.Float64())
	if outcome == outLate {
		act(10*minute, dossier.Apologize, desk, "Hồ sơ giải quyết quá hạn; UBND xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).")
		nd := w(t, 8*time.Hour)
		pl.steps[len(pl.steps)-1].newDue = &nd
		handOver = time.Duration(30+r.IntN(180)) * minute
	}
	if fee && !paidOnline {
		add(handOver/2, step{op: opPayDesk, actor: desk, pos: r.IntN(5) == 0})
		handOver /= 2
	}
	if pl.in.Delivery == "post" {
		add(handOver, step{op: opShip, actor: desk})
		add(time.Duration(2+r.IntN(3))*time.Hour, step{op: opTrack, n: 2})
		add(time.Duration(8+r.IntN(8))*time.Hour, step{op: opTrack, n: 2})
	} else {
		act(handOver, dossier.Deliver, desk, "")
	}
	if online && r.Float64() < ratedShare {
		score := rating.VerySatisfied
		switch x := r.IntN(100); {
		case x < 3:
			score = rating.NotSatisfied
		case x < 30:
			score = rating.Satisfied
		}
		add(time.Duration(1+r.IntN(24))*time.Hour, step{op: opRate, actor: applicant, score: score})
	}
	return pl, outcome, nil
}

var pauseNotes = map[string]string{
	catalog.PauseInspection: "Kiểm tra, đo đạc thực địa theo quy định; thời gian này không tính vào thời hạn giải quyết.",
	"financial_obligation":  "Chuyển thông tin xác định nghĩa vụ tài chính; thời gian người sử dụng đất thực hiện nghĩa vụ tài chính không tính vào thời hạn.",
	"posting":               "Niêm yết công khai theo quy định; thời gian niêm yết không tính vào thời hạn giải quyết.",
	"verification":          "Cần xác minh theo quy định; thời gian xác minh không tính vào thời hạn giải quyết.",
}

// workSteps are the first and last processing steps (those not at the one-stop desk).
func workSteps(p catalog.Procedure) (first, last int) {
	first, last = 0, len(p.Steps)-1
	for first < len(p.Steps) && p.Steps[first].Role == auth.Reception {
		first++
	}
	for last >= 0 && p.Steps[last].Role == auth.Reception {
		last--
	}
	return first, last
}
