package notify

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/vntext"
)

// text is one kind's wording in one language: a subject line and a
// sentence or two that every channel uses (the in-app notice is the text,
// an SMS the text and the link, an e-mail wraps it in a letter).
type text struct {
	Subject, Text, LinkLabel string
}

// texts[kind][lang]. Citizens are addressed as Ông/Bà, officers as đồng chí.
var texts = map[Kind]map[string]text{
	Submitted: {
		"vi": {"Hồ sơ {{.Code}} đã được nộp", "Hồ sơ {{.Code}} ({{.Procedure}}) đã được nộp trực tuyến và đang chờ {{.Unit}} kiểm tra, tiếp nhận.", "Theo dõi hồ sơ"},
		"en": {"Dossier {{.Code}} submitted", "Dossier {{.Code}} ({{.Procedure}}) was submitted online and awaits checking and reception by {{.Unit}}.", "Follow the dossier"},
	},
	Received: {
		"vi": {"Hồ sơ {{.Code}} đã được tiếp nhận", "Hồ sơ {{.Code}} ({{.Procedure}}) đã được tiếp nhận và đang được giải quyết.{{if .Due}} Ngày hẹn trả kết quả: {{date .Due}}.{{end}}", "Theo dõi hồ sơ"},
		"en": {"Dossier {{.Code}} received", "Dossier {{.Code}} ({{.Procedure}}) was received and is being processed.{{if .Due}} The result is due on {{date .Due}}.{{end}}", "Follow the dossier"},
	},
	Supplement: {
		"vi": {"Hồ sơ {{.Code}} cần bổ sung, hoàn thiện", "Hồ sơ {{.Code}} ({{.Procedure}}) cần được bổ sung, hoàn thiện. Nội dung yêu cầu: {{.Note}}", "Bổ sung hồ sơ"},
		"en": {"Dossier {{.Code}}: please complete it", "Dossier {{.Code}} ({{.Procedure}}) needs to be completed. What is asked: {{.Note}}", "Complete the dossier"},
	},
	Refused: {
		"vi": {"Hồ sơ {{.Code}} không được tiếp nhận", "Hồ sơ {{.Code}} ({{.Procedure}}) không được tiếp nhận. Lý do: {{.Note}}", "Xem hồ sơ"},
		"en": {"Dossier {{.Code}} not accepted", "Dossier {{.Code}} ({{.Procedure}}) was not accepted. Reason: {{.Note}}", "View the dossier"},
	},
	FeeRequested: {
		"vi": {"Hồ sơ {{.Code}}: đề nghị nộp phí, lệ phí", "Hồ sơ {{.Code}} ({{.Procedure}}) cần nộp phí, lệ phí {{money .Amount}} để tiếp tục được giải quyết.", "Nộp phí, lệ phí"},
		"en": {"Dossier {{.Code}}: a fee to pay", "Dossier {{.Code}} ({{.Procedure}}) needs a fee of {{money .Amount}} to be paid before processing continues.", "Pay the fee"},
	},
	ResultReady: {
		"vi": {"Hồ sơ {{.Code}} đã có kết quả", "Hồ sơ {{.Code}} ({{.Procedure}}) đã có kết quả. {{if eq .Delivery \"post\"}}Kết quả sẽ được gửi đến Ông/Bà qua dịch vụ bưu chính.{{else}}Mời Ông/Bà đến Bộ phận một cửa – {{.Unit}} để nhận kết quả, mang theo giấy tiếp nhận hồ sơ.{{end}}", "Xem hồ sơ"},
		"en": {"Dossier {{.Code}}: the result is ready", "The result of dossier {{.Code}} ({{.Procedure}}) is ready. {{if eq .Delivery \"post\"}}It will be sent to you by post.{{else}}Please collect it at the one-stop desk of {{.Unit}}, bringing the receipt of your dossier.{{end}}", "View the dossier"},
	},
	ResultPosted: {
		"vi": {"Kết quả hồ sơ {{.Code}} đã được gửi qua bưu chính", "Kết quả hồ sơ {{.Code}} ({{.Procedure}}) đã được gửi qua bưu chính{{if .Carrier}} ({{.Carrier}}){{end}}{{if .Tracking}}, mã vận đơn {{.Tracking}}{{end}}. Khi nhận được kết quả, mời Ông/Bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ.", "Đánh giá mức độ hài lòng"},
		"en": {"Dossier {{.Code}}: the result was posted", "The result of dossier {{.Code}} ({{.Procedure}}) was sent by post{{if .Carrier}} ({{.Carrier}}){{end}}{{if .Tracking}}, tracking number {{.Tracking}}{{end}}. Once you have it, please tell us how satisfied you are with how it was handled.", "Rate the service"},
	},
	Delivered: {
		"vi": {"Hồ sơ {{.Code}} đã trả kết quả – mời Ông/Bà đánh giá", "Hồ sơ {{.Code}} ({{.Procedure}}) đã được trả kết quả. Mời Ông/Bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ.", "Đánh giá mức độ hài lòng"},
		"en": {"Dossier {{.Code}} delivered – please rate the service", "The result of dossier {{.Code}} ({{.Procedure}}) was delivered. Please tell us how satisfied you are with how it was handled.", "Rate the service"},
	},
	Apology: {
		"vi": {"Xin lỗi về việc trễ hẹn trả kết quả hồ sơ {{.Code}}", "Hồ sơ {{.Code}} ({{.Procedure}}) chưa thể trả kết quả đúng hẹn. {{.Unit}} trân trọng xin lỗi Ông/Bà và hẹn lại ngày trả kết quả: {{date .Due}}.{{if .Note}} Lý do: {{.Note}}{{end}}", "Xem hồ sơ"},
		"en": {"Apology: dossier {{.Code}} is late", "The result of dossier {{.Code}} ({{.Procedure}}) could not be delivered on time. {{.Unit}} apologises; the new date is {{date .Due}}.{{if .Note}} Reason: {{.Note}}{{end}}", "View the dossier"},
	},
	Stopped: {
		"vi": {"Hồ sơ {{.Code}} dừng giải quyết", "Việc giải quyết hồ sơ {{.Code}} ({{.Procedure}}) đã dừng. Lý do: {{.Note}}", "Xem hồ sơ"},
		"en": {"Dossier {{.Code}}: processing stopped", "Processing of dossier {{.Code}} ({{.Procedure}}) was stopped. Reason: {{.Note}}", "View the dossier"},
	},
	NotGranted: {
		"vi": {"Hồ sơ {{.Code}} không được giải quyết", "Hồ sơ {{.Code}} ({{.Procedure}}) không đủ điều kiện giải quyết. Lý do: {{.Note}} Văn bản trả lời được trả như kết quả tại bộ phận một cửa.", "Xem hồ sơ"},
		"en": {"Dossier {{.Code}}: request not granted", "The request of dossier {{.Code}} ({{.Procedure}}) is not granted. Reason: {{.Note}} The written answer is returned as the result at the one-stop desk.", "View the dossier"},
	},
	Withdrawn: {
		"vi": {"Hồ sơ {{.Code}} đã được rút", "Bộ phận một cửa đã xác nhận việc rút hồ sơ {{.Code}} ({{.Procedure}}) theo đề nghị của ông/bà.{{if .Note}} Ghi chú: {{.Note}}{{end}}", "Xem hồ sơ"},
		"en": {"Dossier {{.Code}} withdrawn", "The one-stop desk acknowledged the withdrawal of dossier {{.Code}} ({{.Procedure}}) you asked for.{{if .Note}} Note: {{.Note}}{{end}}", "View the dossier"},
	},
	Assigned: {
		"vi": {"Hồ sơ {{.Code}} được giao cho đồng chí xử lý", "Hồ sơ {{.Code}} ({{.Procedure}}) được giao cho đồng chí xử lý{{if .Step}} ở bước “{{.Step}}”{{end}} tại {{.Unit}}.{{if .Due}} Hạn giải quyết: {{date .Due}}.{{end}}", "Mở hồ sơ"},
		"en": {"Dossier {{.Code}} is assigned to you", "Dossier {{.Code}} ({{.Procedure}}) is assigned to you{{if .Step}} for the step “{{.Step}}”{{end}} at {{.Unit}}.{{if .Due}} It is due on {{date .Due}}.{{end}}", "Open the dossier"},
	},
	DueSoon: {
		"vi": {"Hồ sơ {{.Code}} sắp đến hạn", "Hồ sơ {{.Code}} ({{.Procedure}}) tại {{.Unit}} còn chưa đến 1 ngày làm việc trước hạn giải quyết: {{date .Due}}.", "Mở hồ sơ"},
		"en": {"Dossier {{.Code}} is due soon", "Dossier {{.Code}} ({{.Procedure}}) at {{.Unit}} has less than one working day left: it is due on {{date .Due}}.", "Open the dossier"},
	},
	Coordination: {
		"vi": {"Đề nghị phối hợp giải quyết hồ sơ {{.Code}}", "{{.Unit}} đề nghị quý cơ quan phối hợp giải quyết hồ sơ {{.Code}} ({{.Procedure}}). Nội dung đề nghị: {{.Note}}{{if .Due}} Thời hạn trả lời: {{date .Due}}.{{end}}", "Tra cứu hồ sơ"},
		"en": {"Request for coordination on dossier {{.Code}}", "{{.Unit}} asks your agency to coordinate on dossier {{.Code}} ({{.Procedure}}). What is asked: {{.Note}}{{if .Due}} Please answer by {{date .Due}}.{{end}}", "Track the dossier"},
	},
	PasswordRecovery: {
		"vi": {"Đặt lại mật khẩu tài khoản {{.Account}}", "Có yêu cầu đặt lại mật khẩu cho tài khoản {{.Account}}. Đường dẫn dưới đây chỉ dùng được một lần, đến {{date .Due}}. Nếu Ông/Bà không yêu cầu, hãy bỏ qua tin này: mật khẩu không thay đổi.", "Đặt mật khẩu mới"},
		"en": {"Reset the password of account {{.Account}}", "Someone asked to reset the password of account {{.Account}}. The link below works once, until {{date .Due}}. If it was not you, ignore this message: the password stays as it is.", "Set a new password"},
	},
	WorkFileDue: {
		"vi": {"Hồ sơ công việc {{.Code}} sắp đến hạn nộp lưu", "Hồ sơ công việc {{.Code}} – {{.Title}} ({{.Unit}}) do đồng chí lập phải nộp vào Lưu trữ cơ quan chậm nhất ngày {{day .Due}} (trong thời hạn 01 năm kể từ ngày công việc kết thúc).", "Mở hồ sơ công việc"},
		"en": {"Work file {{.Code}} is due for the archive", "Work file {{.Code}} – {{.Title}} ({{.Unit}}), which you keep, must be handed to the organ's archive by {{day .Due}} (within one year after the work ended).", "Open the work file"},
	},
	Overdue: {
		"vi": {"Hồ sơ {{.Code}} đã quá hạn", "Hồ sơ {{.Code}} ({{.Procedure}}) tại {{.Unit}} đã quá hạn giải quyết ({{date .Due}}). Nếu chưa thể trả kết quả, cần lập phiếu xin lỗi và hẹn lại ngày trả.", "Mở hồ sơ"},
		"en": {"Dossier {{.Code}} is overdue", "Dossier {{.Code}} ({{.Procedure}}) at {{.Unit}} is overdue (it was due on {{date .Due}}). If the result cannot be delivered now, an apology with a new date is required.", "Open the dossier"},
	},
}

// letters wrap a text into an e-mail, per language.
var letters = map[string]string{
	"vi": `Kính gửi {{if .Name}}{{.Name}}{{else}}Ông/Bà{{end}},

{{.Text}}
{{if .Link}}
{{.LinkLabel}}: {{.Link}}
{{end}}
Trân trọng.
--
Hệ thống một cửa điện tử. Thư được gửi tự động, vui lòng không trả lời.
Thay đổi cách nhận thông báo: {{.Prefs}}
`,
	"en": `Dear {{if .Name}}{{.Name}}{{else}}Sir or Madam{{end}},

{{.Text}}
{{if .Link}}
{{.LinkLabel}}: {{.Link}}
{{end}}
Kind regards.
--
One-stop e-government system. This message was sent automatically; please do not reply.
Change how you are notified: {{.Prefs}}
`,
}

// maxSMSText caps the text of an SMS before its link (a long reason would
// cost many segments; the full text is on the dossier's page).
const maxSMSText = 300

type rendered struct {
	subject, text, email, sms string
}

type letter struct {
	Data
	Text, LinkLabel, Prefs string
}

func parseTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, lang := range Langs {
		fm := funcsFor(lang)
		for _, k := range slices.Concat(Kinds, AccountKinds, DocumentKinds) {
			tx, ok := texts[k][lang]
			if !ok {
				return nil, fmt.Errorf("notify: no %s text for %s", lang, k)
			}
			for part, src := range map[string]string{"subject": tx.Subject, "text": tx.Text, "label": tx.LinkLabel} {
				t, err := template.New("").Funcs(fm).Option("missingkey=error").Parse(src)
				if err != nil {
					return nil, fmt.Errorf("notify: %s %s %s: %w", k, lang, part, err)
				}
				out[string(k)+"."+lang+"."+part] = t
			}
		}
		t, err := template.New("").Funcs(fm).Parse(letters[lang])
		if err != nil {
			return nil, fmt.Errorf("notify: %s letter: %w", lang, err)
		}
		out["letter."+lang] = t
	}
	return out, nil
}

// trackLabel names the public tracking link.
var trackLabel = map[string]string{"vi": "Tra cứu hồ sơ", "en": "Track the dossier"}

// render fills kind's templates in lang (unknown languages get Vietnamese);
// public: the link is the public tracking page, whatever the kind's own.
func (s *Service) render(k Kind, lang string, d Data, public bool) (rendered, error) {
	if _, ok := s.tmpl["letter."+lang]; !ok {
		lang = "vi"
	}
	exec := func(name string, data any) (string, error) {
		t, ok := s.tmpl[name]
		if !ok {
			return "", fmt.Errorf("notify: no template %s", name)
		}
		var b strings.Builder
		err := t.Execute(&b, data)
		return b.String(), err
	}
	var r rendered
	var err error
	base := string(k) + "." + lang + "."
	if r.subject, err = exec(base+"subject", d); err != nil {
		return r, err
	}
	r.subject = strings.Join(strings.Fields(r.subject), " ") // one header line
	if r.text, err = exec(base+"text", d); err != nil {
		return r, err
	}
	label, err := exec(base+"label", d)
	if err != nil {
		return r, err
	}
	if public {
		label = trackLabel[lang]
	}
	r.email, err = exec("letter."+lang, letter{Data: d, Text: r.text, LinkLabel: label, Prefs: s.cfg.PublicURL + "/tai-khoan/thong-bao"})
	if err != nil {
		return r, err
	}
	r.sms = strings.TrimSpace(clip(strings.Join(strings.Fields(r.text), " "), maxSMSText) + " " + d.Link)
	return r, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func funcsFor(lang string) template.FuncMap {
	layout, day := "15:04 ngày 02/01/2006", "02/01/2006"
	if lang == "en" {
		layout, day = "15:04, 2 Jan 2006", "2 Jan 2006"
	}
	return template.FuncMap{
		"date": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(calendar.Zone).Format(layout)
		},
		// day is a calendar date without a time (a work file's due day).
		"day": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(calendar.Zone).Format(day)
		},
		"money": vntext.Money,
	}
}
