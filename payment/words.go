package payment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// AmountInWords writes an amount of VND in Vietnamese words, as a receipt
// states it ("Số tiền bằng chữ"): 200000 → "Hai trăm nghìn đồng".
//
// The reading rules: a lone unit after a zero ten is "linh" (105 → một
// trăm linh năm; the southern "lẻ" is not used on documents here); 1
// after a ten of 20 or more is "mốt" (21 → hai mươi mốt, but 11 → mười
// một); 5 after any ten is "lăm" (15 → mười lăm, 25 → hai mươi lăm); 4
// after a ten of 20 or more is "tư" (24 → hai mươi tư, but 14 → mười
// bốn). A group of three after the first is read in full, "không trăm"
// included (1.001 → một nghìn không trăm linh một); groups that are all
// zero are skipped (1.000.005 → một triệu không trăm linh năm). Above
// 999 tỷ the count of tỷ is read the same way (1.000.000.000.000 → một
// nghìn tỷ).
func AmountInWords(v int64) string {
	var n uint64
	neg := v < 0
	if neg {
		n = uint64(-(v + 1)) + 1 // also right for math.MinInt64
	} else {
		n = uint64(v)
	}
	w := readNumber(n, false)
	if neg {
		w = "âm " + w
	}
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:] + " đồng"
}

// readNumber reads n; full says n follows a higher group, so its leading
// group is read with its hundreds ("không trăm năm mươi").
func readNumber(n uint64, full bool) string {
	if n == 0 {
		return digitWords[0]
	}
	const billion = 1_000_000_000
	if n >= billion {
		hi, lo := n/billion, n%billion
		s := readNumber(hi, full) + " tỷ"
		if lo > 0 {
			s += " " + readNumber(lo, true)
		}
		return s
	}
	groups := [3]uint64{n / 1_000_000, n / 1000 % 1000, n % 1000}
	names := [3]string{"triệu", "nghìn", ""}
	var parts []string
	for i, g := range groups {
		if g == 0 {
			continue
		}
		parts = append(parts, readGroup(int(g), full || len(parts) > 0))
		if names[i] != "" {
			parts = append(parts, names[i])
		}
	}
	return strings.Join(parts, " ")
}

// readGroup reads 1–999; full reads the hundreds even when zero.
func readGroup(n int, full bool) string {
	h, t, u := n/100, n/10%10, n%10
	var w []string
	if full || h > 0 {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0:
		if u > 0 {
			if len(w) > 0 {
				w = append(w, "linh")
			}
			w = append(w, digitWords[u])
		}
	case t == 1:
		w = append(w, "mười")
		if u == 5 {
			w = append(w, "lăm")
		} else if u > 0 {
			w = append(w, digitWords[u])
		}
	default:
		w = append(w, digitWords[t], "mươi")
		switch u {
		case 0:
		case 1:
			w = append(w, "mốt")
		case 4:
			w = append(w, "tư")
		case 5:
			w = append(w, "lăm")
		default:
			w = append(w, digitWords[u])
		}
	}
	return strings.Join(w, " ")
}
