// Package catalog owns the public catalog of administrative procedures
// (thủ tục hành chính): their definitions, versions and accent-insensitive
// search. Procedures are data: one JSON file per procedure ships embedded
// in the binary and is loaded into the database, where a unit admin may
// edit it; every edit is a new version so a dossier keeps the rules it was
// submitted under.
package catalog

// Procedure is one version of an administrative procedure as published.
// JSON tags are the on-disk format of the embedded files in procedures/.
type Procedure struct {
	// Code is the national procedure code, e.g. "1.001193".
	Code    string `json:"code"`
	Version int    `json:"version,omitempty"`
	Name    string `json:"name"`
	// Field is the sector (lĩnh vực), e.g. "Hộ tịch".
	Field string `json:"field"`
	// FieldCode is a short stable slug for browsing, e.g. "ho-tich".
	FieldCode string `json:"field_code"`
	// Levels at which the procedure is implemented: "province", "district", "commune".
	Levels []string `json:"levels"`
	// Unit is the agency code of the unit this version is published for,
	// when a unit publishes its own variant; empty for the province's
	// catalog (every shipped procedure). It decides who may edit the
	// procedure (auth.EditProcedure), nothing else.
	Unit string `json:"unit,omitempty"`
	// Agency is who decides (cơ quan thực hiện), as free text.
	Agency string `json:"agency"`
	// Time is the statutory processing time.
	Time Duration `json:"time"`
	// TimeNote explains exceptions, e.g. "22 ngày đối với xã miền núi".
	TimeNote string `json:"time_note,omitempty"`
	Fees     []Fee  `json:"fees"`
	// Components are the documents the applicant submits.
	Components []Component `json:"components"`
	// Form is the e-form the applicant fills in online.
	Form []FormField `json:"form"`
	// Online is "full" (toàn trình), "partial" (một phần) or "none" (Decree 42/2022).
	Online string `json:"online"`
	// Result is what the applicant receives, e.g. "Giấy khai sinh".
	Result string `json:"result"`
	// LegalBasis cites the documents the procedure rests on (see LegalDoc;
	// versions stored before it was structured hold plain strings).
	LegalBasis []LegalDoc `json:"legal_basis"`
	// Steps is the processing workflow after reception, in order.
	Steps []Step `json:"steps"`
	// Requirements lists conditions the applicant must meet (may be empty).
	Requirements []string `json:"requirements,omitempty"`
	// ResultTemplate, when set, declares the result document as a template
	// filled from the dossier's data (package forms renders it).
	ResultTemplate *ResultTemplate `json:"result_template,omitempty"`
	// ResultBlank, when set, says that the paper the applicant receives is
	// printed on a controlled blank (phôi) issued by a ministry, by the body
	// that keeps it (a land-use certificate is printed by the land
	// registration office): motcua records that it was issued and never
	// renders it. The commune's own decision, if any, is ResultTemplate.
	ResultBlank string `json:"result_blank,omitempty"`

	// Law-attached catalog data (issue 10), kept together for easy merging.

	// FieldID is the field code (mã lĩnh vực, MaLinhVuc) of the national
	// procedure database, e.g. "G03-GD10"; FieldCode stays the URL slug.
	// Empty when the shipped catalog has not verified it.
	FieldID string `json:"field_id,omitempty"`
	// EffectiveFrom is the first day (YYYY-MM-DD, Vietnam time) on which
	// this version is in force; empty means the day it was published. The
	// shipped files say 2025-07-01, the day Decree 118/2025/NĐ-CP (which
	// every one of them applies) came into force.
	EffectiveFrom string `json:"effective_from,omitempty"`
	// EffectiveTo, when set, is the last day this version is in force
	// (the procedure is abolished after it unless a later version follows).
	// A version without it is in force until the next version's EffectiveFrom.
	EffectiveTo string `json:"effective_to,omitempty"`
	// ResultCode is the code of the result paper (giấy tờ kết quả) for
	// digitisation (Circular 01/2023/TT-VPCP); see ResultCodeRE.
	ResultCode string `json:"result_code,omitempty"`
	// FeeConfirmation records who confirmed the typical fees of this
	// version for the unit, and when; nil while any fee is typical.
	FeeConfirmation *FeeConfirmation `json:"fee_confirmation,omitempty"`
	// SupplementDays is the time limit, in calendar days from the request,
	// for the applicant to supplement the dossier (Mẫu 02), when the
	// procedure's own law sets one; 0 leaves it to the unit's default
	// (unit.SupplementDays). See dossier.SupplementDeadline.
	SupplementDays int `json:"supplement_days,omitempty"`
	// Pauses are the periods this procedure's law excludes from its
	// processing time (catalog/pauses.go); none when empty.
	Pauses []Pause `json:"pauses,omitempty"`
	// Boundless, when set, puts the procedure on the province's list of
	// procedures received regardless of administrative boundaries (phi địa
	// giới, see Boundless).
	Boundless *Boundless `json:"boundless,omitempty"`
	// Retention is how long closed dossiers are kept before their
	// personal data is anonymised (catalog/retention.go); empty takes
	// the field's default.
	Retention string `json:"retention,omitempty"`
}

// Boundless is a procedure's entry on the province's list of procedures
// carried out regardless of administrative boundaries (thực hiện TTHC
// không phụ thuộc vào địa giới hành chính, Decree 118/2025/NĐ-CP): any
// one-stop desk of the province receives the dossier for the competent
// unit and transfers it there. Decree 118 leaves the list to the Chairman
// of the provincial People's Committee, who publishes it; in motcua the
// province's catalog is that publication, so the entry lives on the
// procedure version the province publishes (auth.EditProcedure, audited
// like any version).
type Boundless struct {
	// Transfer is the time the receiving desk has to hand the dossier to
	// the competent unit, added to the appointment. Unset, it is the
	// one-stop rule for hand-offs (Decree 61/2018 art. 19, carried into
	// Decree 118/2025): the same working day, or the next one when
	// received after 15:00 — calendar.UnitSameDay.
	Transfer Duration `json:"transfer,omitempty"`
	// Decision cites the province's act that put the procedure on the list
	// (e.g. "Quyết định số …/QĐ-UBND"), printed on form 01.
	Decision string `json:"decision,omitempty"`
}

// TransferTime is the time the receiving desk has to transfer a dossier
// of a boundless procedure (see Boundless.Transfer).
func (b Boundless) TransferTime() Duration {
	if b.Transfer.Unit == "" {
		return Duration{Unit: UnitSameDay}
	}
	return b.Transfer
}

// ResultTemplate is a result document (a certificate, a decision, an
// extract…) whose text is filled from a dossier. Subtitle and Body may name
// the dossier's data as {{applicant.name}}, {{form.<key>}} and the other
// ResultFields; Validate checks that every placeholder names a known field.
type ResultTemplate struct {
	// Title is the document's name, e.g. "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH".
	Title    string   `json:"title"`
	Subtitle []string `json:"subtitle,omitempty"`
	// Symbol is the type abbreviation of the document's number: "GCN" gives "05/GCN-UBND".
	Symbol string `json:"symbol"`
	// Body is the paragraphs of the document.
	Body []string `json:"body"`
	// Signer is the signature block's position lines, e.g. ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"].
	Signer []string `json:"signer"`

	// Layout is "" for an administrative document (Decree 30/2020) or
	// CivilStatus for a civil-status paper (giấy tờ hộ tịch) laid out as
	// the forms of Circular 04/2020/TT-BTP prescribe: labelled lines, the
	// book's "Số: …, Quyển số: …", no recipients, and two signature
	// blocks, the civil servant who entered the event (Clerk) beside
	// the person who signs the paper (Signer, "Người ký Giấy khai sinh").
	Layout string `json:"layout,omitempty"`
	// Register is the civil-status book (sổ hộ tịch, one of Registers)
	// a CivilStatus paper's event is entered in; the paper prints the
	// entry's number and the book's number. Empty: the paper takes no
	// entry of its own (a copy of an extract cites the original's).
	Register string `json:"register,omitempty"`
	// NoIssuer heads a CivilStatus paper with the national name and motto
	// only, as the Ministry's printed blanks are (Giấy khai sinh, Giấy
	// chứng nhận kết hôn); the issuer is named in its "Nơi đăng ký" line.
	NoIssuer bool `json:"no_issuer,omitempty"`
	// Clerk is the position lines of the civil servant's block of a
	// CivilStatus paper, e.g. ["Người thực hiện"].
	Clerk []string `json:"clerk,omitempty"`
	// Kind is "" for a document the unit issues under its heading, or
	// "attestation" for a lời chứng (Decree 23/2015/NĐ-CP Art. 12): the
	// certification text written on the certified paper itself, numbered
	// in the certification book Book, with no heading of its own.
	Kind string `json:"kind,omitempty"`
	// Book is the symbol of the certification book (sổ chứng thực) an
	// attestation is numbered in: "SCT/BS", "SCT/CK,ĐC" or "SCT/HĐ,GD".
	Book string `json:"book,omitempty"`
	// Office is the specialised office of the deciding People's Committee
	// that issues the document under its own name ("Phòng Kinh tế"): the
	// heading then prints the committee above it.
	Office string `json:"office,omitempty"`
	// Basis are the "Căn cứ …" lines of a decision, Articles its
	// "Điều 1. …" paragraphs after "QUYẾT ĐỊNH:" (Decree 30/2020 Appendix
	// I, form 1.4); a template with Articles is laid out as a decision.
	Basis    []string `json:"basis,omitempty"`
	Articles []string `json:"articles,omitempty"`
	// Recipients are the "Nơi nhận:" lines besides the applicant and the archive.
	Recipients []string `json:"recipients,omitempty"`
	// Witness is the position of a second signer of an attestation: the
	// desk officer before whom the paper was signed ("Người tiếp nhận hồ sơ").
	Witness string `json:"witness,omitempty"`
}

// CivilStatus is the Layout of a civil-status paper.
const CivilStatus = "civil_status"

// Registers are the civil-status books a commune keeps (Circular
// 04/2020/TT-BTP, Art. 10 and its list of books), each numbered from 1
// in a new book every year.
var Registers = []string{"Sổ đăng ký khai sinh", "Sổ đăng ký khai tử", "Sổ đăng ký kết hôn",
	"Sổ đăng ký nhận cha, mẹ, con", "Sổ đăng ký giám hộ", "Sổ đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
	"Sổ cấp Giấy xác nhận tình trạng hôn nhân"}

// Words is the suffix of a date placeholder written in words, as a
// civil-status paper writes a date of birth beside its figures:
// {{form.ngay_sinh.words}}, {{result_date.words}}.
const Words = ".words"

// Attestation is the Kind of a lời chứng written on the certified paper.
const Attestation = "attestation"

// Books are the certification books (Decree 23/2015/NĐ-CP Art. 13, as
// amended): copies, signatures and fingerprints, contracts and wills.
var Books = []string{"SCT/BS", "SCT/CK,ĐC", "SCT/HĐ,GD"}

// ResultFields are the placeholders a result template may use besides
// {{form.<key>}} for the procedure's own e-form fields.
var ResultFields = []string{"dossier.code", "procedure.name", "unit.name", "applicant.name", "applicant.id_number",
	"applicant.address", "applicant.phone", "applicant.email", "received_date", "result_date"}

// AttestationFields are the placeholders an attestation may use besides
// ResultFields: its entry and book, the certifying person and their
// position with the body's name, the desk officer who received the
// paper, the date in words and the certifying body.
var AttestationFields = []string{"cert.number", "cert.book", "certifier.name", "certifier.position",
	"receiver.name", "result_date_words", "cert.place"}

// Duration is a statutory time: Value working days ("day"), Value working
// hours ("hour"), or "same_day" (result the same working day; received
// after 15:00 → next working day).
type Duration struct {
	Unit  string `json:"unit"`
	Value int    `json:"value"`
}

// Fee is one fee or charge (phí, lệ phí). Amounts are in VND.
type Fee struct {
	Name string `json:"name"`
	// Kind is "fixed", "per_page" or "per_copy".
	Kind   string `json:"kind"`
	Amount int64  `json:"amount"`
	// FromPage/NextAmount express tiered per-page fees: pages >= FromPage cost NextAmount.
	FromPage   int   `json:"from_page,omitempty"`
	NextAmount int64 `json:"next_amount,omitempty"`
	// Cap is the maximum per copy or per case, 0 for none.
	Cap int64 `json:"cap,omitempty"`
	// Exempt lists groups exempted, free text.
	Exempt []string `json:"exempt,omitempty"`
	Note   string   `json:"note,omitempty"`
	// Typical marks an amount set by the provincial People's Council
	// (HĐND tỉnh) that the shipped catalog can only give as indicative
	// (mức thu tham khảo) until an admin of the unit confirms it
	// (Store.ConfirmFees clears it in a new version).
	Typical bool `json:"typical,omitempty"`
}

// Component is one document of the dossier (thành phần hồ sơ).
type Component struct {
	// Key is a short stable identifier, unique within the procedure, used in URLs and uploads.
	Key      string `json:"key"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
	// Kind is "original" (bản chính), "copy" (bản sao), "certified_copy" (bản sao chứng thực) or "show" (xuất trình).
	Kind     string `json:"kind"`
	Quantity int    `json:"quantity"`
	// Template names the form template (mẫu đơn), e.g. "Tờ khai đăng ký khai sinh (Mẫu TT 04/2020/TT-BTP)".
	Template string `json:"template,omitempty"`
	// Code is the component's code for digitisation (mã thành phần hồ sơ,
	// Circular 01/2023/TT-VPCP), unique within the procedure; it names the
	// component in the national portal exchange (MaThanhPhanHoSo).
	Code string `json:"code,omitempty"`
}

// FormField is one field of the e-form.
type FormField struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Type is "text", "textarea", "date", "number", "select", "id_number" or "phone".
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	// Pattern is an optional RE2 regular expression the value must match.
	Pattern string `json:"pattern,omitempty"`
	// Max is the most characters of a text field; of a number field, the
	// largest value (unset: a ceiling of 10^12).
	Max int `json:"max,omitempty"`
	// Min is a number field's smallest value (unset: 0; numbers on
	// administrative forms are never negative).
	Min int `json:"min,omitempty"`
	// Integer refuses fractions in a number field (counts of pages, copies…).
	Integer bool `json:"integer,omitempty"`
}

// Step is one processing step after reception.
type Step struct {
	Name string `json:"name"`
	// Role is the role that performs the step: "reception", "specialist", "leader", "clerk".
	Role string `json:"role"`
	// Level is the administrative level whose unit performs it: "commune", "district" or "province";
	// a step at a higher level than the receiving unit is an inter-level (liên thông) hand-off.
	Level string `json:"level"`
	// Kind, when set, names the kind of unit that performs the step
	// (unit.Kinds): "land_branch" sends a registration step to the branch of
	// the land registration office serving the commune. Where the chart in
	// force has no unit of that kind, the step falls to the level's
	// People's Committee (unit.Store.ForStep).
	Kind string `json:"kind,omitempty"`
	// Hours is the working time allotted to the step.
	Hours int `json:"hours"`
}
