package vntext

import "strconv"

// Thousands writes n with a dot between each group of three digits, as
// Vietnamese text does: 1500000 → "1.500.000", -500000 → "-500.000".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	b := make([]byte, 0, len(s)+len(s)/3+1)
	b = append(b, sign...)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Money formats an amount of đồng the way pages, notices and receipts
// show it: 1500000 → "1.500.000 đ", -500000 → "-500.000 đ".
func Money(v int64) string { return Thousands(v) + " đ" }
