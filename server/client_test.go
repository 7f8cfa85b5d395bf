package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/client"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestGeneratedClientEndToEnd drives a dossier from submission to delivery
// through the generated Go client (client/, what an integrating system
// codes against) on a real server, on both engines: a token per account,
// submit and upload as the citizen, receive and ask for the fee at the
// desk, a delivery refused while the fee is unpaid, the fee recorded, every
// processing step by the officer it names, delivery, and the public
// tracking. Every request and reply goes through the generated types, so a
// document that does not describe what the server really sends (a missing
// field, a wrong type, a status the client does not expect) fails here.
func TestGeneratedClientEndToEnd(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		anon := gcClient(t, e.srv.URL, "")

		// The procedure as the catalog publishes it: a certified copy, with
		// a fee per page of the original.
		const code = "2.000815"
		pr, err := anon.GetProcedureWithResponse(ctx, code)
		if err != nil {
			t.Fatalf("getProcedure: %v", err)
		}
		if pr.JSON200 == nil {
			t.Fatalf("getProcedure: %s", gcReply(pr.HTTPResponse, pr.Body))
		}
		var proc catalog.Procedure
		if err := json.Unmarshal(pr.Body, &proc); err != nil {
			t.Fatal(err)
		}
		if pr.JSON200.Fees == nil || len(*pr.JSON200.Fees) == 0 {
			t.Fatalf("%s has no fee in the document's reply", code)
		}

		// Submit as the citizen, idempotently.
		citizen := gcClient(t, e.srv.URL, gcToken(t, anon, "congdan"))
		in := client.SubmitInput{
			Procedure: code, Unit: demo.GiaLamCode, Delivery: client.SubmitInputDelivery("counter"),
			Form: gcPtr(validForm(proc)),
			Applicant: client.Applicant{Name: "Nguyễn Văn An", IdNumber: gcPtr("037085001234"), Phone: gcPtr("0912345678"),
				Email: gcPtr("an@example.vn"), Address: gcPtr("Thôn Tân Lập, xã Gia Lâm")},
		}
		key := "client-e2e-" + db.Dialect.String()
		sub, err := citizen.SubmitDossierWithResponse(ctx, &client.SubmitDossierParams{IdempotencyKey: &key}, in)
		if err != nil {
			t.Fatalf("submitDossier: %v", err)
		}
		if sub.JSON201 == nil {
			t.Fatalf("submitDossier: %s", gcReply(sub.HTTPResponse, sub.Body))
		}
		d := *sub.JSON201
		dossier := gcVal(d.Code)
		if dossier == "" || gcVal(d.Status) != client.StateSubmitted {
			t.Fatalf("submitted: code %q status %q", dossier, gcVal(d.Status))
		}
		// The same key and body again: the same dossier, not a second one.
		again, err := citizen.SubmitDossierWithResponse(ctx, &client.SubmitDossierParams{IdempotencyKey: &key}, in)
		if err != nil {
			t.Fatalf("replayed submit: %v", err)
		}
		if again.StatusCode() != http.StatusOK || again.JSON200 == nil || gcVal(again.JSON200.Code) != dossier {
			t.Fatalf("replayed submit: %s", gcReply(again.HTTPResponse, again.Body))
		}

		// Upload every required component's file.
		uploaded := 0
		for _, c := range proc.Components {
			if !c.Required {
				continue
			}
			up, err := citizen.UploadDossierFileWithBodyWithResponse(ctx, dossier, c.Key, &client.UploadDossierFileParams{Name: gcPtr("ban-chinh.pdf")},
				"application/octet-stream", bytes.NewReader(samplePDF))
			if err != nil {
				t.Fatalf("uploadDossierFile %s: %v", c.Key, err)
			}
			if up.JSON201 == nil {
				t.Fatalf("uploadDossierFile %s: %s", c.Key, gcReply(up.HTTPResponse, up.Body))
			}
			if gcVal(up.JSON201.Component) != c.Key || gcVal(up.JSON201.Id) == 0 {
				t.Fatalf("uploaded file: %+v", *up.JSON201)
			}
			uploaded++
		}
		if uploaded == 0 {
			t.Fatalf("%s has no required component: nothing uploaded", code)
		}
		if got := gcGet(t, citizen, dossier); got.Files == nil || len(*got.Files) != uploaded {
			t.Fatalf("the citizen's dossier lists %v files, want %d", got.Files, uploaded)
		}

		// A citizen may not receive: the typed 422 carries the stable code.
		r, err := citizen.ActOnDossierWithResponse(ctx, dossier, client.Receive, nil, client.ActInput{})
		if err != nil {
			t.Fatalf("a citizen receiving: %v", err)
		}
		if r.JSON422 == nil || r.JSON422.Error.Code != "action_not_permitted" {
			t.Fatalf("a citizen receiving: %s", gcReply(r.HTTPResponse, r.Body))
		}

		// The desk receives it and asks for the fee: two copies of a 3-page
		// original, 2 × (2 × 2.000 + 1 × 1.000) đồng.
		desk := gcClient(t, e.srv.URL, gcToken(t, anon, "gialam.tiepnhan"))
		d = gcAct(t, desk, dossier, client.Receive)
		if gcVal(d.Status) != client.StateProcessing || gcVal(d.ReceivedAt).IsZero() {
			t.Fatalf("received: status %q", gcVal(d.Status))
		}
		pay, err := desk.RequestDossierPaymentWithResponse(ctx, dossier, client.RequestDossierPaymentJSONRequestBody{Pages: gcPtr(3), Copies: gcPtr(2), Note: gcPtr("Bản chính 3 trang")})
		if err != nil {
			t.Fatalf("requestDossierPayment: %v", err)
		}
		if pay.JSON201 == nil {
			t.Fatalf("requestDossierPayment: %s", gcReply(pay.HTTPResponse, pay.Body))
		}
		p := *pay.JSON201
		if gcVal(p.Ref) == "" || gcVal(p.Amount) != 10000 || gcVal(p.State) != client.PaymentStateRequested || gcVal(p.Dossier) != dossier {
			t.Fatalf("payment request: ref %q amount %d state %q dossier %q", gcVal(p.Ref), gcVal(p.Amount), gcVal(p.State), gcVal(p.Dossier))
		}

		// Every processing step by the officer it names.
		var roles []string
		for gcVal(d.Status) == client.StateProcessing {
			if len(roles) > 20 {
				t.Fatal("workflow does not end")
			}
			roles = append(roles, gcVal(d.StepRole))
			who := officer(gcVal(d.StepRole), gcVal(d.Unit))
			action := client.Forward
			if gcVal(d.StepRole) == auth.Leader {
				action = client.Approve
			}
			d = gcAct(t, gcClient(t, e.srv.URL, gcToken(t, anon, who)), dossier, action)
		}
		// The catalog's steps: the specialist's check, the leader's signature;
		// the third (the desk's "thu phí, trả kết quả") is the delivery below.
		if gcVal(d.Status) != client.StateResultReady || strings.Join(roles, " ") != "specialist leader" {
			t.Fatalf("after steps %v: status %q", roles, gcVal(d.Status))
		}

		// Delivery waits for the fee (409, the typed conflict).
		r, err = desk.ActOnDossierWithResponse(ctx, dossier, client.Deliver, nil, client.ActInput{})
		if err != nil {
			t.Fatalf("deliver unpaid: %v", err)
		}
		if r.JSON409 == nil || r.JSON409.Error.Code != "fee_unpaid" {
			t.Fatalf("deliver unpaid: %s", gcReply(r.HTTPResponse, r.Body))
		}
		paid, err := desk.RecordDeskPaymentWithResponse(ctx, gcVal(p.Ref), client.RecordDeskPaymentJSONRequestBody{Method: client.Cash, ReceiptNo: "0000123"})
		if err != nil {
			t.Fatalf("recordDeskPayment: %v", err)
		}
		if paid.JSON200 == nil || gcVal(paid.JSON200.State) != client.PaymentStatePaid {
			t.Fatalf("recordDeskPayment: %s", gcReply(paid.HTTPResponse, paid.Body))
		}
		d = gcAct(t, desk, dossier, client.Deliver)
		if gcVal(d.Status) != client.StateDelivered || gcVal(d.DeliveredAt).IsZero() {
			t.Fatalf("delivered: status %q", gcVal(d.Status))
		}

		// Anyone tracks it by code with its track token, or the last four
		// digits of the applicant's phone; a wrong token finds nothing.
		for _, params := range []client.TrackDossierParams{{Token: d.TrackToken}, {PhoneLast4: gcPtr("5678")}} {
			tr, err := anon.TrackDossierWithResponse(ctx, dossier, &params)
			if err != nil {
				t.Fatalf("trackDossier: %v", err)
			}
			if tr.JSON200 == nil {
				t.Fatalf("trackDossier: %s", gcReply(tr.HTTPResponse, tr.Body))
			}
			if gcVal(tr.JSON200.Code) != dossier || gcVal(tr.JSON200.Status) != client.StateDelivered || tr.JSON200.Steps == nil || len(*tr.JSON200.Steps) == 0 {
				t.Fatalf("tracked: %s", tr.Body)
			}
		}
		tr, err := anon.TrackDossierWithResponse(ctx, dossier, &client.TrackDossierParams{Token: gcPtr("sai")})
		if err != nil {
			t.Fatalf("tracking with a wrong token: %v", err)
		}
		if tr.JSON404 == nil || tr.JSON404.Error.Code == "" {
			t.Fatalf("tracking with a wrong token: %s", gcReply(tr.HTTPResponse, tr.Body))
		}
	})
}

// apiClient is a generated client on base that sends token, if any, as the
// bearer.
func gcClient(t *testing.T, base, token string) *client.ClientWithResponses {
	t.Helper()
	c, err := client.NewClientWithResponses(base, client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clientToken signs a demo account in through createToken.
func gcToken(t *testing.T, anon *client.ClientWithResponses, user string) string {
	t.Helper()
	r, err := anon.CreateTokenWithResponse(t.Context(), client.CreateTokenJSONRequestBody{Username: user, Password: demo.Password})
	if err != nil {
		t.Fatalf("createToken %s: %v", user, err)
	}
	if r.JSON200 == nil || gcVal(r.JSON200.Token) == "" {
		t.Fatalf("createToken %s: %s", user, gcReply(r.HTTPResponse, r.Body))
	}
	return *r.JSON200.Token
}

func gcGet(t *testing.T, c *client.ClientWithResponses, code string) client.Dossier {
	t.Helper()
	r, err := c.GetDossierWithResponse(t.Context(), code)
	if err != nil {
		t.Fatalf("getDossier: %v", err)
	}
	if r.JSON200 == nil {
		t.Fatalf("getDossier: %s", gcReply(r.HTTPResponse, r.Body))
	}
	return *r.JSON200
}

func gcAct(t *testing.T, c *client.ClientWithResponses, code string, action client.ActOnDossierParamsAction) client.Dossier {
	t.Helper()
	r, err := c.ActOnDossierWithResponse(t.Context(), code, action, nil, client.ActInput{})
	if err != nil {
		t.Fatalf("actOnDossier %s: %v", action, err)
	}
	if r.JSON200 == nil {
		t.Fatalf("actOnDossier %s: %s", action, gcReply(r.HTTPResponse, r.Body))
	}
	return *r.JSON200
}

// gcReply shows a reply's status and body in a failure.
func gcReply(r *http.Response, body []byte) string {
	if r == nil {
		return ""
	}
	return r.Status + " " + string(body)
}

func gcPtr[T any](v T) *T { return &v }

func gcVal[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
