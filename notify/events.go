package notify

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Subscribe registers the service as a listener of dossier.Transitioned
// and auth.RecoveryRequested on bus (done once, at wiring time).
func (s *Service) Subscribe(bus *event.Bus) {
	event.Subscribe(bus, "notify", s.Transitioned)
	event.Subscribe(bus, "notify", s.Recovery)
}

// Transitioned is the dossier.Transitioned listener: it decides who hears
// of a change and writes their notifications in the change's transaction.
//
//	submit (online)               → applicant: submitted
//	receive                       → applicant: received, with the due date
//	request-supplement            → applicant: supplement, with the reason
//	refuse, stop                  → applicant: refused (not granted, when in processing), stopped, with the reason
//	lapse (the supplement sweep)  → applicant: refused (not received), with the reason
//	forward/approve past the last step → applicant: result ready
//	deliver (at the counter)      → applicant: delivered, linking to the rating page
//	apologize                     → applicant: apology, with the new date
//	acknowledge-withdrawal, withdraw (desk) → applicant: withdrawn
//	receive/forward/approve/send-back to a named officer → that officer: assigned
//	consult                       → the partner agency (by e-mail, if it has one): coordination
//
// Fee requests and results sent by post are not lifecycle actions: the
// payment and postal services call Send with FeeRequested and ResultPosted.
func (s *Service) Transitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d, action, note := e.Dossier, e.Action, e.Note
	data := Data{Code: d.Code, Procedure: d.ProcedureName, Unit: d.UnitName, Delivery: d.Delivery, Due: d.DueAt, Note: note}
	key := fmt.Sprintf("%s/v%d", d.Code, d.Version) // one version per transition
	applicant := func(k Kind, path string) error {
		return s.Send(ctx, tx, Notification{Kind: k, To: Applicant(d), Dossier: d.Code, DossierID: d.ID(), Key: key, Path: path, Data: data})
	}
	var err error
	switch action {
	case dossier.SubmitAction:
		if d.Channel == "online" {
			err = applicant(Submitted, "")
		}
	case dossier.Receive:
		err = applicant(Received, "")
	case dossier.RequestSupplement:
		err = applicant(Supplement, "")
	case dossier.Refuse:
		if d.Status == dossier.ResultReady {
			err = applicant(NotGranted, "") // refused during processing: a result
		} else {
			err = applicant(Refused, "")
		}
	case dossier.Stop:
		err = applicant(Stopped, "")
	case dossier.Lapse:
		// Past the time limit to supplement at reception: not received.
		err = applicant(Refused, "")
	case dossier.AcknowledgeWithdrawal, dossier.Withdraw:
		// The notice of withdrawal: the applicant's request alone tells
		// nothing yet; the desk's acknowledgement (or its own withdraw at
		// the counter) does.
		if d.Status == dossier.Withdrawn {
			err = applicant(Withdrawn, "")
		}
	case dossier.Apologize:
		err = applicant(Apology, "")
	case dossier.Deliver:
		// A result handed to the post is announced by ResultPosted, with the
		// item code; "delivered, please rate" would come before the citizen
		// has it in hand.
		if d.Delivery != "post" {
			err = applicant(Delivered, "/ho-so/"+d.Code+"/danh-gia")
		}
	case dossier.Forward, dossier.Approve:
		if d.Status == dossier.ResultReady {
			err = applicant(ResultReady, "")
		}
	}
	if err != nil {
		return err
	}
	if c := e.Consultation; action == dossier.Consult && c != nil && c.AgencyEmail() != "" {
		// Through the outbox like every outbound message; the agency has no
		// account, so the request goes to its registry address.
		due := c.DueAt
		err := s.Send(ctx, tx, Notification{Kind: Coordination, To: Recipient{Name: c.Agency, Email: c.AgencyEmail()}, Dossier: d.Code, DossierID: d.ID(),
			Key: fmt.Sprintf("%s/consult/%d", d.Code, c.ID), Data: Data{Code: d.Code, Procedure: d.ProcedureName, Unit: d.UnitName, Due: &due, Note: c.Question}})
		if err != nil {
			return err
		}
	}
	switch action {
	case dossier.Receive, dossier.Forward, dossier.Approve, dossier.SendBack:
		if d.AssigneeID() != 0 && d.Status == dossier.Processing {
			data.Step = d.StepName
			return s.Send(ctx, tx, Notification{Kind: Assigned, To: Recipient{UserID: d.AssigneeID()}, Dossier: d.Code, DossierID: d.ID(), Key: key, Data: data})
		}
	}
	return nil
}

// Applicant is the person a dossier's citizen notifications go to: the
// account that filed it online, else the applicant's contact details as
// given on the dossier.
func Applicant(d *dossier.Dossier) Recipient {
	if d.OwnerID() != 0 {
		return Recipient{UserID: d.OwnerID()}
	}
	return Recipient{Name: d.Applicant.Name, Email: d.Applicant.Email, Phone: d.Applicant.Phone}
}

// FeeRequested tells the applicant a fee of amount VND is asked for,
// linking to path (the payment page). ref identifies the request (a
// payment id): the same ref twice writes one notification. Call it inside
// the transaction that records the request.
func (s *Service) FeeRequested(ctx context.Context, tx *store.Tx, d *dossier.Dossier, ref string, amount int64, path string) error {
	return s.Send(ctx, tx, Notification{Kind: FeeRequested, To: Applicant(d), Dossier: d.Code, Key: d.Code + "/fee/" + ref, Path: path,
		Data: Data{Code: d.Code, Procedure: d.ProcedureName, Unit: d.UnitName, Amount: amount}})
}

// ResultPosted tells the applicant the result was handed to the post.
// ref identifies the shipment; call it inside the transaction that records it.
func (s *Service) ResultPosted(ctx context.Context, tx *store.Tx, d *dossier.Dossier, ref, carrier, tracking string) error {
	return s.Send(ctx, tx, Notification{Kind: ResultPosted, To: Applicant(d), Dossier: d.Code, Key: d.Code + "/post/" + ref, Path: "/ho-so/" + d.Code + "/danh-gia",
		Data: Data{Code: d.Code, Procedure: d.ProcedureName, Unit: d.UnitName, Carrier: carrier, Tracking: tracking}})
}
