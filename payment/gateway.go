package payment

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// Gateway is a payment gateway as motcua uses it: it turns an order into
// the address the payer is sent to, verifies what the gateway sends back
// (the IPN and the payer's return), and lists a day's transactions for
// reconciliation. VNPay speaks VNPAY's public v2.1.0 protocol; PayGov is
// the shape of the national payment platform (see paygov.go for what is
// assumed there).
type Gateway interface {
	// Name is a short stable name stored with each payment ("vnpay").
	Name() string
	// PaymentURL returns where to send the payer for o. It may call the
	// gateway (PayGov creates the order server-to-server first).
	PaymentURL(ctx context.Context, o Order) (string, error)
	// VerifyCallback checks a callback's signature and reads it. A bad or
	// missing signature is ErrBadSignature; a signed callback motcua cannot
	// read is ErrMalformed.
	VerifyCallback(c Callback) (Result, error)
	// Transactions lists the gateway's transactions paid on day (Vietnam time).
	Transactions(ctx context.Context, day time.Time) ([]Transaction, error)
}

// Order is what motcua asks the gateway to collect.
type Order struct {
	Ref    string
	Amount int64 // VND
	// Info describes the order; adapters fold it to what the gateway accepts.
	Info      string
	ReturnURL string
	IPAddr    string
	Locale    string // "vn" or "en"
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Callback is a call from the gateway as received: VNPAY sends query
// parameters, PayGov (as assumed) a JSON body.
type Callback struct {
	Query url.Values
	Body  []byte
	// Remote is the caller's address, for the log.
	Remote string
}

// Result is a verified callback.
type Result struct {
	Ref     string
	Amount  int64 // VND
	Success bool
	// Code is the gateway's response code ("00" success, "24" cancelled…).
	Code string
	// GatewayTxn is the gateway's transaction number (vnp_TransactionNo).
	GatewayTxn string
	BankCode   string
	PaidAt     time.Time
}

// Transaction is one transaction in the gateway's list for a day.
type Transaction struct {
	Ref        string    `json:"ref"`
	Amount     int64     `json:"amount"`
	GatewayTxn string    `json:"gateway_txn"`
	Success    bool      `json:"success"`
	PaidAt     time.Time `json:"paid_at"`
}

// Errors of VerifyCallback.
var (
	ErrBadSignature = errors.New("payment: callback signature is missing or wrong")
	ErrMalformed    = errors.New("payment: callback is signed but cannot be read")
)

// Outcome is what motcua made of a callback; each gateway answers it in its
// own words (VNPAY: the IPN's RspCode).
type Outcome string

const (
	Confirmed        Outcome = "confirmed"         // the state changed as the gateway said
	OrderNotFound    Outcome = "order_not_found"   // no order with that reference
	AlreadyConfirmed Outcome = "already_confirmed" // a duplicate or out-of-order callback: nothing changed
	InvalidAmount    Outcome = "invalid_amount"    // the amount differs from the order's: nothing changed
	InvalidSignature Outcome = "invalid_signature" // forged or corrupted: nothing changed
	UnknownError     Outcome = "unknown_error"     // motcua could not process it; the gateway should retry
)
