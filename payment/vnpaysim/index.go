package vnpaysim

import (
	"fmt"
	"html"
	"net/http"
	"sort"
)

// index lists the orders the simulator has seen, so someone trying the
// demo can see what motcua sent and what was paid.
func (s *Sim) index(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refs := make([]string, 0, len(s.orders))
	for ref := range s.orders {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	type row struct{ ref, amount, info, state string }
	rows := make([]row, 0, len(refs))
	for _, ref := range refs {
		o := s.orders[ref]
		state := "chờ thanh toán"
		if o.result != nil {
			state = "đã xử lý (mã " + o.result.Get("vnp_ResponseCode") + ")"
		}
		rows = append(rows, row{ref, o.amount, o.info, state})
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Mô phỏng cổng VNPAY</title></head><body><main>`+
		`<h1>Mô phỏng cổng thanh toán VNPAY (v2.1.0)</h1><p>Không có tiền thật. Đơn hàng motcua đã gửi:</p>`)
	if len(rows) == 0 {
		fmt.Fprint(w, `<p>Chưa có đơn hàng.</p>`)
	} else {
		fmt.Fprint(w, `<table><thead><tr><th scope="col">vnp_TxnRef</th><th scope="col">vnp_Amount</th><th scope="col">vnp_OrderInfo</th><th scope="col">Trạng thái</th></tr></thead><tbody>`)
		for _, o := range rows {
			fmt.Fprintf(w, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, html.EscapeString(o.ref), html.EscapeString(o.amount), html.EscapeString(o.info), html.EscapeString(o.state))
		}
		fmt.Fprint(w, `</tbody></table>`)
	}
	fmt.Fprint(w, `</main></body></html>`)
}
