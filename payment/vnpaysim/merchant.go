package vnpaysim

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// sendIPN calls the merchant's IPN address with p and records the answer.
func (s *Sim) sendIPN(ctx context.Context, ipnURL string, p url.Values) IPN {
	rec := IPN{Ref: p.Get("vnp_TxnRef")}
	defer func() {
		s.mu.Lock()
		s.ipns = append(s.ipns, rec)
		s.mu.Unlock()
	}()
	if ipnURL == "" {
		rec.Err = fmt.Errorf("vnpaysim: no IPN address configured")
		return rec
	}
	sep := "?"
	if strings.Contains(ipnURL, "?") {
		sep = "&"
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, ipnURL+sep+p.Encode(), nil)
	if err != nil {
		rec.Err = err
		return rec
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		rec.Err = err
		s.cfg.Log.Warn("vnpaysim: IPN not delivered", "ref", rec.Ref, "err", err)
		return rec
	}
	defer resp.Body.Close()
	var reply struct{ RspCode, Message string }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&reply); err != nil {
		rec.Err = fmt.Errorf("vnpaysim: IPN answer (HTTP %d) is not JSON: %w", resp.StatusCode, err)
		return rec
	}
	rec.RspCode, rec.Message = reply.RspCode, reply.Message
	return rec
}

// AddPaid records a successful transaction motcua never ordered (a
// reconciliation test's "at the gateway but not here").
func (s *Sim) AddPaid(ref string, amount int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	now := s.cfg.Now().In(zone)
	s.orders[ref] = &order{ref: ref, amount: fmt.Sprint(amount * 100), paidAt: now, result: url.Values{
		"vnp_TxnRef": {ref}, "vnp_Amount": {fmt.Sprint(amount * 100)}, "vnp_ResponseCode": {"00"}, "vnp_TransactionStatus": {"00"},
		"vnp_TransactionNo": {fmt.Sprintf("%08d", 14000000+s.seq)}, "vnp_PayDate": {now.Format(timeLayout)}}}
}

type listTxn struct {
	TxnRef            string `json:"vnp_TxnRef"`
	Amount            string `json:"vnp_Amount"`
	TransactionNo     string `json:"vnp_TransactionNo"`
	TransactionStatus string `json:"vnp_TransactionStatus"`
	PayDate           string `json:"vnp_PayDate"`
}

// list answers vnp_Command=querylist: the completed transactions of a day,
// signed like VNPAY's querydr (fields joined by "|", HMAC-SHA512).
func (s *Sim) list(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RequestID       string `json:"vnp_RequestId"`
		Version         string `json:"vnp_Version"`
		Command         string `json:"vnp_Command"`
		TmnCode         string `json:"vnp_TmnCode"`
		TransactionDate string `json:"vnp_TransactionDate"`
		CreateDate      string `json:"vnp_CreateDate"`
		IPAddr          string `json:"vnp_IpAddr"`
		SecureHash      string `json:"vnp_SecureHash"`
	}
	out := struct {
		ResponseID      string    `json:"vnp_ResponseId"`
		Command         string    `json:"vnp_Command"`
		ResponseCode    string    `json:"vnp_ResponseCode"`
		Message         string    `json:"vnp_Message"`
		TmnCode         string    `json:"vnp_TmnCode"`
		TransactionDate string    `json:"vnp_TransactionDate"`
		Transactions    []listTxn `json:"vnp_Transactions"`
		SecureHash      string    `json:"vnp_SecureHash"`
	}{ResponseCode: "00", Message: "Success", Transactions: []listTxn{}}
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in)
	want := s.mac(strings.Join([]string{in.RequestID, in.Version, in.Command, in.TmnCode, in.TransactionDate, in.CreateDate, in.IPAddr}, "|"))
	switch {
	case err != nil:
		out.ResponseCode, out.Message = "03", "Dữ liệu gửi sang không đúng định dạng"
	case !strings.EqualFold(in.SecureHash, want):
		out.ResponseCode, out.Message = "97", "Checksum không hợp lệ"
	case in.Command != "querylist":
		out.ResponseCode, out.Message = "03", "Lệnh không hỗ trợ"
	case in.TmnCode != s.cfg.TmnCode:
		out.ResponseCode, out.Message = "02", "Merchant không hợp lệ"
	}
	out.ResponseID, out.Command, out.TmnCode, out.TransactionDate = in.RequestID, in.Command, s.cfg.TmnCode, in.TransactionDate
	if out.ResponseCode == "00" {
		s.mu.Lock()
		for _, o := range s.orders {
			if o.result != nil && o.paidAt.In(zone).Format("20060102") == in.TransactionDate {
				out.Transactions = append(out.Transactions, listTxn{TxnRef: o.ref, Amount: o.amount,
					TransactionNo: o.result.Get("vnp_TransactionNo"), TransactionStatus: o.result.Get("vnp_TransactionStatus"),
					PayDate: o.result.Get("vnp_PayDate")})
			}
		}
		s.mu.Unlock()
		sort.Slice(out.Transactions, func(i, j int) bool { return out.Transactions[i].TransactionNo < out.Transactions[j].TransactionNo })
	}
	parts := []string{out.ResponseID, out.Command, out.ResponseCode, out.TmnCode, out.TransactionDate}
	for _, t := range out.Transactions {
		parts = append(parts, strings.Join([]string{t.TxnRef, t.Amount, t.TransactionNo, t.TransactionStatus, t.PayDate}, ","))
	}
	out.SecureHash = s.mac(strings.Join(parts, "|"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(out)
}

// page is the simulator's one page: an order to pay, or an error.
type page struct {
	Merchant, Ref, Info, Amount, Expires string
	Error, Code                          string
}

var pageT = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thanh toán VNPAY (mô phỏng)</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
.sim{background:#fff3cd;padding:.5rem;border:1px solid #b58a00}dt{font-weight:bold}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem}
.pay{background:#005baa;color:#fff;border:0}.err{color:#a00000}</style></head>
<body><main>
<h1>Cổng thanh toán VNPAY</h1>
<p class="sim">Đây là cổng thanh toán mô phỏng của motcua, dùng cho bản trình diễn và kiểm thử; không có tiền thật được chuyển.</p>
{{if .Error}}<p class="err" role="alert">{{.Error}} (mã lỗi {{.Code}})</p>
{{else}}<dl>
<dt>Đơn vị chấp nhận thanh toán</dt><dd>{{.Merchant}}</dd>
<dt>Mã giao dịch</dt><dd>{{.Ref}}</dd>
<dt>Nội dung</dt><dd>{{.Info}}</dd>
<dt>Số tiền</dt><dd>{{.Amount}}</dd>
<dt>Hết hạn thanh toán</dt><dd>{{.Expires}}</dd>
</dl>
<form method="post" action="pay"><input type="hidden" name="ref" value="{{.Ref}}">
<button type="submit" name="action" value="pay" class="pay">Thanh toán</button>
<button type="submit" name="action" value="cancel">Hủy</button>
</form>{{end}}
</main></body></html>`))

func (s *Sim) render(w http.ResponseWriter, code int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := pageT.Execute(w, p); err != nil {
		s.cfg.Log.Error("vnpaysim: page", "err", err)
	}
}

// money formats an amount sent ×100 as VND: "1000000" → "10.000 VND".
func money(x100 string) string {
	var v int64
	fmt.Sscan(x100, &v)
	s := fmt.Sprint(v / 100)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " VND"
}
