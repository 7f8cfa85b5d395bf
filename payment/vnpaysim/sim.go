// Package vnpaysim is a local stand-in for VNPAY's payment gateway
// (protocol v2.1.0) for the demo and the tests, so that nothing needs the
// internet. It checks a payment request as VNPAY does (signature, version,
// terminal, amount, expiry), shows a page with "Thanh toán" and "Hủy", and
// then does what VNPAY does: it sends the signed result to the merchant's
// IPN address server-to-server and redirects the payer to vnp_ReturnUrl
// with the same signed parameters. It also answers a day's transaction
// list (vnp_Command=querylist, motcua's extension; see payment/vnpay_list.go).
//
// Its signing is written here from the protocol, not borrowed from
// package payment, so a test that pays through it checks motcua's adapter
// against a second implementation. Orders live in memory.
package vnpaysim

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// The demo terminal: `motcua serve --demo` without --vnpay-url uses these.
const (
	DemoTmnCode    = "MOTCUA01"
	DemoHashSecret = "MOTCUADEMOHASHSECRETVNPAYSIMULAT"
)

const timeLayout = "20060102150405"

var zone = time.FixedZone("GMT+7", 7*3600)

// Config configures the simulator as VNPAY configures a merchant's terminal.
type Config struct {
	TmnCode    string
	HashSecret string
	// IPNURL is the merchant's IPN address. A path ("/api/v1/payments/vnpay/ipn")
	// is completed with the scheme and host the payer's browser used, for
	// the simulator mounted on the merchant's own server.
	IPNURL string
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
}

// Sim is a running simulator.
type Sim struct {
	cfg Config

	mu     sync.Mutex
	ipnURL string
	orders map[string]*order
	seq    int64
	hold   bool
	held   []url.Values
	ipns   []IPN
}

type order struct {
	ref, amount, info, returnURL string
	expires                      time.Time
	result                       url.Values // nil while open
	paidAt                       time.Time
}

// IPN is one IPN the simulator sent and what the merchant answered.
type IPN struct {
	Ref     string
	RspCode string
	Message string
	Err     error
}

// New returns a simulator.
func New(cfg Config) *Sim {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sim{cfg: cfg, ipnURL: cfg.IPNURL, orders: map[string]*order{}}
}

// SetIPNURL changes the merchant's IPN address (tests learn it late).
func (s *Sim) SetIPNURL(u string) {
	s.mu.Lock()
	s.ipnURL = u
	s.mu.Unlock()
}

// Handler serves the gateway: the payment page, the payer's choice, and
// the merchant API.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /paymentv2/vpcpay.html", s.payPage)
	mux.HandleFunc("POST /paymentv2/pay", s.pay)
	mux.HandleFunc("POST /merchant_webapi/api/transaction", s.list)
	return mux
}

// canonical is the string VNPAY signs: vnp_* parameters with a value,
// except the hash itself, sorted, URL-encoded with "+" for spaces.
func canonical(p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if strings.HasPrefix(k, "vnp_") && k != "vnp_SecureHash" && k != "vnp_SecureHashType" && p.Get(k) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = url.QueryEscape(k) + "=" + url.QueryEscape(p.Get(k))
	}
	return strings.Join(pairs, "&")
}

func (s *Sim) mac(data string) string {
	m := hmac.New(sha512.New, []byte(s.cfg.HashSecret))
	io.WriteString(m, data)
	return hex.EncodeToString(m.Sum(nil))
}

// Sign returns p with a fresh vnp_SecureHash under the terminal's secret
// (tests use it to make callbacks VNPAY could have sent).
func (s *Sim) Sign(p url.Values) url.Values {
	out := url.Values{}
	for k, v := range p {
		out[k] = append([]string(nil), v...)
	}
	out.Del("vnp_SecureHash")
	out.Set("vnp_SecureHash", s.mac(canonical(out)))
	return out
}

func (s *Sim) signed(p url.Values) bool {
	got, err := hex.DecodeString(strings.ToLower(p.Get("vnp_SecureHash")))
	want, _ := hex.DecodeString(s.mac(canonical(p)))
	return err == nil && hmac.Equal(got, want)
}

// check validates a payment request; it returns VNPAY's error code and a
// message, or "" when the request is good.
func (s *Sim) check(q url.Values) (string, string) {
	for _, k := range []string{"vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode", "vnp_TxnRef",
		"vnp_OrderInfo", "vnp_OrderType", "vnp_Locale", "vnp_ReturnUrl", "vnp_IpAddr", "vnp_CreateDate", "vnp_ExpireDate"} {
		if q.Get(k) == "" {
			return "03", "Thiếu tham số " + k
		}
	}
	switch {
	case !s.signed(q):
		return "97", "Sai chữ ký"
	case q.Get("vnp_Version") != "2.1.0" || q.Get("vnp_Command") != "pay":
		return "03", "Sai phiên bản hoặc lệnh"
	case q.Get("vnp_TmnCode") != s.cfg.TmnCode:
		return "02", "Website chưa được phê duyệt (sai mã website)"
	case q.Get("vnp_CurrCode") != "VND":
		return "03", "Loại tiền không hỗ trợ"
	}
	var amount int64
	if _, err := fmt.Sscan(q.Get("vnp_Amount"), &amount); err != nil || amount <= 0 || amount%100 != 0 {
		return "03", "Số tiền không hợp lệ"
	}
	for _, r := range q.Get("vnp_OrderInfo") {
		if r > 127 {
			return "03", "Thông tin đơn hàng phải là tiếng Việt không dấu"
		}
	}
	if u, err := url.Parse(q.Get("vnp_ReturnUrl")); err != nil || u.Host == "" {
		return "03", "Địa chỉ trả về không hợp lệ"
	}
	for _, k := range []string{"vnp_CreateDate", "vnp_ExpireDate"} {
		if _, err := time.ParseInLocation(timeLayout, q.Get(k), zone); err != nil {
			return "03", "Sai định dạng " + k
		}
	}
	expires, _ := time.ParseInLocation(timeLayout, q.Get("vnp_ExpireDate"), zone)
	if s.cfg.Now().After(expires) {
		return "11", "Đã hết hạn chờ thanh toán"
	}
	return "", ""
}

// payPage checks the request and shows the order with the two buttons.
func (s *Sim) payPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if code, msg := s.check(q); code != "" {
		s.render(w, http.StatusBadRequest, page{Error: msg, Code: code})
		return
	}
	expires, _ := time.ParseInLocation(timeLayout, q.Get("vnp_ExpireDate"), zone)
	ref := q.Get("vnp_TxnRef")
	s.mu.Lock()
	o, ok := s.orders[ref]
	switch {
	case !ok:
		o = &order{ref: ref, amount: q.Get("vnp_Amount"), info: q.Get("vnp_OrderInfo"), returnURL: q.Get("vnp_ReturnUrl"), expires: expires}
		s.orders[ref] = o
	case o.amount != q.Get("vnp_Amount"):
		s.mu.Unlock()
		s.render(w, http.StatusBadRequest, page{Error: "Mã giao dịch đã tồn tại với số tiền khác", Code: "94"})
		return
	case o.result != nil:
		s.mu.Unlock()
		s.render(w, http.StatusBadRequest, page{Error: "Giao dịch đã được xử lý", Code: "94"})
		return
	}
	p := page{Merchant: s.cfg.TmnCode, Ref: ref, Info: o.info, Amount: money(o.amount), Expires: expires.Format("15:04 02/01/2006")}
	s.mu.Unlock()
	s.render(w, http.StatusOK, p)
}

// pay is the payer's choice: it completes the order, sends the IPN (or
// holds it), and sends the payer back to the merchant.
func (s *Sim) pay(w http.ResponseWriter, r *http.Request) {
	ref, paid := r.PostFormValue("ref"), r.PostFormValue("action") == "pay"
	now := s.cfg.Now().In(zone)
	s.mu.Lock()
	o, ok := s.orders[ref]
	if !ok || o.result != nil {
		s.mu.Unlock()
		s.render(w, http.StatusBadRequest, page{Error: "Không tìm thấy giao dịch đang chờ thanh toán", Code: "01"})
		return
	}
	if now.After(o.expires) {
		s.mu.Unlock()
		s.render(w, http.StatusBadRequest, page{Error: "Đã hết hạn chờ thanh toán", Code: "11"})
		return
	}
	s.seq++
	res := url.Values{
		"vnp_Amount": {o.amount}, "vnp_BankCode": {"NCB"}, "vnp_CardType": {"ATM"}, "vnp_OrderInfo": {o.info},
		"vnp_PayDate": {now.Format(timeLayout)}, "vnp_TmnCode": {s.cfg.TmnCode}, "vnp_TxnRef": {ref},
		"vnp_TransactionNo": {fmt.Sprintf("%08d", 14000000+s.seq)},
	}
	if paid {
		res.Set("vnp_ResponseCode", "00")
		res.Set("vnp_TransactionStatus", "00")
		res.Set("vnp_BankTranNo", fmt.Sprintf("VNP%08d", 14000000+s.seq))
	} else {
		res.Set("vnp_ResponseCode", "24") // the customer cancelled
		res.Set("vnp_TransactionStatus", "02")
	}
	res = s.Sign(res)
	o.result, o.paidAt = res, now
	hold := s.hold
	if hold {
		s.held = append(s.held, res)
	}
	ipnURL := s.ipnURL
	returnURL := o.returnURL
	s.mu.Unlock()
	if !hold {
		s.sendIPN(r.Context(), absolute(ipnURL, r), res)
	}
	sep := "?"
	if strings.Contains(returnURL, "?") {
		sep = "&"
	}
	http.Redirect(w, r, returnURL+sep+res.Encode(), http.StatusSeeOther)
}

// absolute completes a path with the scheme and host of r.
func absolute(u string, r *http.Request) string {
	if !strings.HasPrefix(u, "/") {
		return u
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + u
}

// Hold makes the simulator keep IPNs instead of sending them, so a test
// can bring the payer back before the IPN arrives.
func (s *Sim) Hold(on bool) {
	s.mu.Lock()
	s.hold = on
	s.mu.Unlock()
}

// Release sends the held IPNs, in order, to the configured IPN address.
func (s *Sim) Release(ctx context.Context) []IPN {
	s.mu.Lock()
	held, u := s.held, s.ipnURL
	s.held = nil
	s.mu.Unlock()
	var out []IPN
	for _, p := range held {
		out = append(out, s.sendIPN(ctx, u, p))
	}
	return out
}

// Result returns the signed result of a completed order (for replays).
func (s *Sim) Result(ref string) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[ref]; ok && o.result != nil {
		return s.Sign(o.result)
	}
	return nil
}

// SendIPN sends p to the configured IPN address as VNPAY would.
func (s *Sim) SendIPN(ctx context.Context, p url.Values) IPN {
	s.mu.Lock()
	u := s.ipnURL
	s.mu.Unlock()
	return s.sendIPN(ctx, u, p)
}

// IPNs lists every IPN sent and its answer.
func (s *Sim) IPNs() []IPN {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]IPN(nil), s.ipns...)
}
