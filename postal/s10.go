package postal

import "fmt"

// Item codes follow UPU standard S10: two service letters, an 8-digit
// serial number, one check digit and the ISO country code of the issuing
// post, e.g. EB123456785VN. The check digit lets a mistyped code be caught
// before anything is looked up.

// s10Weights are the S10 weights of the serial's eight digits.
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit returns the check digit of an 8-digit serial number: the
// weighted sum's complement to 11, where 10 becomes 0 and 11 becomes 5.
func S10CheckDigit(serial string) (byte, error) {
	if len(serial) != 8 {
		return 0, fmt.Errorf("postal: S10 serial %q is not 8 digits", serial)
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := serial[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("postal: S10 serial %q is not 8 digits", serial)
		}
		sum += int(c-'0') * s10Weights[i]
	}
	switch d := 11 - sum%11; d {
	case 10:
		return '0', nil
	case 11:
		return '5', nil
	default:
		return byte('0' + d), nil
	}
}

// NewS10 builds an item code from a two-letter service indicator, a serial
// number below 10^8 and a two-letter country code.
func NewS10(service string, serial int, country string) (string, error) {
	if !letters(service, 2) || !letters(country, 2) || serial < 0 || serial > 99999999 {
		return "", fmt.Errorf("postal: cannot build an S10 code from %q, %d, %q", service, serial, country)
	}
	s := fmt.Sprintf("%08d", serial)
	d, err := S10CheckDigit(s)
	if err != nil {
		return "", err
	}
	return service + s + string(d) + country, nil
}

// ValidS10 reports whether code is a well-formed S10 item code with a
// correct check digit. Letters must be upper case, as printed on labels.
func ValidS10(code string) bool {
	if len(code) != 13 || !letters(code[:2], 2) || !letters(code[11:], 2) {
		return false
	}
	d, err := S10CheckDigit(code[2:10])
	return err == nil && code[10] == d
}

func letters(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
