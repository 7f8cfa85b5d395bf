package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
	"github.com/motcua/motcua/store"
)

// PaymentConfig says which gateway takes fees online. Without a terminal
// (VNPay.TmnCode empty) officers still ask for fees and applicants pay at
// the desk; the pages say so.
type PaymentConfig struct {
	VNPay payment.VNPayConfig
	// VNPaySimulator, when set, is served under /_sim/vnpay/: the demo's
	// stand-in for VNPAY (package payment/vnpaysim). Like the postal
	// simulator it sits outside the session layer, as VNPAY's own site
	// would: its buttons act for the gateway, not for a signed-in user.
	VNPaySimulator *vnpaysim.Sim
}

// VNPaySimulatorPath is where PaymentConfig.VNPaySimulator is mounted.
const VNPaySimulatorPath = "/_sim/vnpay"

func newPayments(db *store.DB, a *App, cfg Config) (*payment.Service, error) {
	pc := payment.Config{Log: cfg.Log, Now: cfg.Now, Events: a.Events,
		// The applicant is told of a fee to pay in the transaction that asks for it.
		OnFeeRequested: func(ctx context.Context, tx *store.Tx, d *dossier.Dossier, p *payment.Payment) error {
			// An amended amount is a new notice; the same request twice is one.
			return a.Notify.FeeRequested(ctx, tx, d, p.Ref+"-"+strconv.FormatInt(p.Amount, 10), p.Amount, "/ho-so/"+d.Code+"/thanh-toan")
		},
	}
	if cfg.Payment.VNPay.TmnCode != "" {
		vc := cfg.Payment.VNPay
		if vc.Now == nil {
			vc.Now = cfg.Now
		}
		v, err := payment.NewVNPay(vc)
		if err != nil {
			return nil, err
		}
		pc.Gateway = v
	}
	return payment.New(db, a.Dossiers, a.Units, pc), nil
}

// withVNPaySimulator serves the VNPAY simulator beside the application.
func withVNPaySimulator(app http.Handler, sim *vnpaysim.Sim) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(VNPaySimulatorPath+"/", http.StripPrefix(VNPaySimulatorPath, sim.Handler()))
	mux.Handle("/", app)
	return mux
}
