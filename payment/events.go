package payment

import "time"

// FeePaid is published on Config.Events when a gateway's verified result
// moves a payment to Paid, inside the transaction that records it and
// numbers its receipt; a listener's error rolls the confirmation back
// (the gateway is answered with an error, and retries).
type FeePaid struct {
	Ref     string
	Dossier string
	// Unit is the code of the unit that collects the fee.
	Unit       string
	Amount     int64
	Gateway    string
	GatewayTxn string
	// PaidAt is when the gateway says the money moved; At is when the
	// confirmation was recorded.
	PaidAt, At time.Time
}
