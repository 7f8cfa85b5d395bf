package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document"
)

// The seed district's documents in a year. The article gives the share
// handled entirely online (86.3%) but no count, so the counts are
// motcua's assumption, of the order a People's Committee's registers
// hold: the district's (its Office registers for the departments) 6,000
// incoming and 2,400 outgoing, each commune's 1,200 and 480 — about
// 54,000 documents for Nho Quan's district and 27 communes, beside its
// 67,120 dossiers.
const (
	DistrictIncoming2022 = 6000
	DistrictOutgoing2022 = 2400
	CommuneIncoming2022  = 1200
	CommuneOutgoing2022  = 480
	// DocumentsOnline2022 is the share of documents handled entirely
	// online (document.Service.Online: incoming received electronically
	// and completed in the system, outgoing issued digitally signed).
	DocumentsOnline2022 = 0.863
)

// DocumentStats is what GenerateDocuments wrote.
type DocumentStats struct {
	Incoming, Outgoing, Online int
}

// Documents is how many documents were written.
func (s DocumentStats) Documents() int { return s.Incoming + s.Outgoing }

// OnlineShare is the share handled entirely online.
func (s DocumentStats) OnlineShare() float64 {
	if s.Documents() == 0 {
		return 0
	}
	return float64(s.Online) / float64(s.Documents())
}

// docSubjects are the demo's subjects by type.
var docSubjects = map[string][]string{
	"CV":  {"V/v triển khai dịch vụ công trực tuyến", "V/v báo cáo tình hình giải quyết thủ tục hành chính", "V/v rà soát hồ sơ đất đai tồn đọng", "V/v phòng, chống thiên tai mùa mưa bão"},
	"QD":  {"Quyết định kiện toàn Tổ công nghệ số cộng đồng", "Quyết định phê duyệt kế hoạch sử dụng đất", "Quyết định giao chỉ tiêu thu ngân sách"},
	"KH":  {"Kế hoạch chuyển đổi số", "Kế hoạch cải cách hành chính", "Kế hoạch tuyên truyền phổ biến pháp luật"},
	"TB":  {"Thông báo lịch tiếp công dân", "Thông báo kết luận của Chủ tịch UBND", "Thông báo lịch nghỉ Tết"},
	"BC":  {"Báo cáo kết quả công tác tháng", "Báo cáo kết quả cải cách hành chính quý", "Báo cáo tình hình kinh tế – xã hội"},
	"GM":  {"Giấy mời họp giao ban", "Giấy mời dự hội nghị trực tuyến"},
	"TTR": {"Tờ trình đề nghị phê duyệt dự toán", "Tờ trình đề nghị công nhận danh hiệu"},
}

// Mixes of types, drawn by weight.
var (
	incomingMix = []struct {
		typ string
		w   int
	}{{"CV", 50}, {"QD", 12}, {"KH", 10}, {"TB", 12}, {"BC", 6}, {"GM", 10}}
	outgoingMix = []struct {
		typ string
		w   int
	}{{"CV", 40}, {"BC", 20}, {"TB", 12}, {"QD", 12}, {"KH", 8}, {"TTR", 4}, {"GM", 4}}
)

func drawType(r *rand.Rand, mix []struct {
	typ string
	w   int
}) string {
	total := 0
	for _, m := range mix {
		total += m.w
	}
	n := r.IntN(total)
	for _, m := range mix {
		if n < m.w {
			return m.typ
		}
		n -= m.w
	}
	return mix[0].typ
}

// GenerateDocuments writes year's documents of the 2022 world — the
// district's and each commune's incoming and outgoing documents at scale
// of the rates above — through document's bulk path (Service.Bulk), all
// finished (incoming completed, outgoing issued), spread over the working
// days. Exactly the nearest whole number to DocumentsOnline2022 of them
// are handled entirely online, drawn at random: deterministic for a seed.
func GenerateDocuments(ctx context.Context, docs *document.Service, year int, scale float64, seed uint64) (DocumentStats, error) {
	r := rand.New(rand.NewPCG(seed, 0x76616e62616e))
	type organ struct {
		code     string
		in, out  int
		superior document.Organ
	}
	province := document.Organ{OrganID: ProvinceCode, Name: "UBND tỉnh Ninh Bình"}
	organs := []organ{{DistrictCode, DistrictIncoming2022, DistrictOutgoing2022, province}}
	for i := range communes {
		organs = append(organs, organ{fmt.Sprintf("000.%02d.07.H40", i+1), CommuneIncoming2022, CommuneOutgoing2022,
			document.Organ{OrganID: DistrictCode, Name: "UBND huyện Nho Quan"}})
	}
	var all []document.BulkDocument
	var st DocumentStats
	for _, o := range organs {
		nIn, nOut := int(math.Round(float64(o.in)*scale)), int(math.Round(float64(o.out)*scale))
		for i := range nIn + nOut {
			b := document.BulkDocument{Unit: o.code, Direction: document.In}
			mix := incomingMix
			if i >= nIn {
				b.Direction, mix = document.Out, outgoingMix
			}
			b.Type = drawType(r, mix)
			subjects := docSubjects[b.Type]
			b.Subject = fmt.Sprintf("%s năm %d", subjects[r.IntN(len(subjects))], year)
			key := workingMoment(r, year)
			lag := time.Duration(1+r.IntN(10)) * 24 * time.Hour
			if b.Direction == document.In {
				b.At, b.Done = key, key.Add(lag)
				b.Sender = o.superior
				if r.IntN(3) == 0 {
					b.Sender = province
				}
				b.Code, b.Notation = fmt.Sprint(1+r.IntN(900)), docNotation(b.Type)
				b.Signer = document.Signer{Position: "Chủ tịch", FullName: "Lãnh đạo " + b.Sender.Name}
				st.Incoming++
			} else {
				b.At, b.Done = key.Add(-lag), key
				b.Signer = document.Signer{Position: "Chủ tịch"}
				st.Outgoing++
			}
			all = append(all, b)
		}
	}
	// The online ones: the nearest whole number to the share, at random.
	st.Online = int(math.Round(float64(len(all)) * DocumentsOnline2022))
	for n, i := range r.Perm(len(all)) {
		all[i].Medium = document.Paper
		if n < st.Online {
			all[i].Medium = document.Electronic
		}
	}
	// In the order the registers number them.
	slices.SortStableFunc(all, func(a, b document.BulkDocument) int { return numberedAt(a).Compare(numberedAt(b)) })
	if err := docs.Bulk(ctx, all); err != nil {
		return st, fmt.Errorf("demo: documents: %w", err)
	}
	return st, nil
}

// numberedAt is when a generated document takes its number: arrival for
// an incoming one, issue for an outgoing one.
func numberedAt(b document.BulkDocument) time.Time {
	if b.Direction == document.In {
		return b.At
	}
	return b.Done
}

// docNotation is a sender's symbol for a document of type typ.
func docNotation(typ string) string {
	if t, ok := document.TypeOf(typ); ok && t.Abbr != "" {
		return t.Abbr + "-UBND"
	}
	return "UBND-VP"
}

// workingMoment is a moment of office hours on a working day of year
// (Saturday and Sunday move to the Friday before), in Vietnam.
func workingMoment(r *rand.Rand, year int) time.Time {
	first := time.Date(year, 1, 1, 0, 0, 0, 0, calendar.Zone)
	days := first.AddDate(1, 0, 0).Sub(first).Hours() / 24
	d := first.AddDate(0, 0, r.IntN(int(days)))
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, -1)
	case time.Sunday:
		d = d.AddDate(0, 0, -2)
	}
	if d.Year() != year { // 1 January on a weekend
		d = d.AddDate(0, 0, 3)
	}
	return d.Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
}
