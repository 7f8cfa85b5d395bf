package scan

import (
	"fmt"
	"strings"
)

// parseReply reads clamd's answer to INSTREAM:
//
//	stream: OK
//	stream: Win.Test.EICAR_HDB-1 FOUND
//	INSTREAM size limit exceeded. ERROR
//	stream: Can't allocate memory ERROR
//
// Anything else is an error: a verdict is only "clean" when clamd says OK.
func parseReply(reply string) (Result, error) {
	s := strings.TrimRight(reply, "\x00\r\n")
	if s == "stream: OK" {
		return Result{}, nil
	}
	if rest, ok := strings.CutSuffix(s, " FOUND"); ok {
		sig, ok := strings.CutPrefix(rest, "stream: ")
		if !ok {
			return Result{}, fmt.Errorf("scan: unexpected clamd reply %q", reply)
		}
		return Result{Infected: true, Signature: cleanSignature(sig)}, nil
	}
	if rest, ok := strings.CutSuffix(s, " ERROR"); ok {
		if strings.Contains(rest, "size limit exceeded") {
			return Result{}, ErrTooLarge
		}
		return Result{}, fmt.Errorf("scan: clamd: %s", strings.TrimPrefix(rest, "stream: "))
	}
	return Result{}, fmt.Errorf("scan: unexpected clamd reply %q", reply)
}

// cleanSignature keeps what ClamAV names are made of (letters, digits and
// . _ - : / +, e.g. "Heuristics.Phishing.Email.SpoofedDomain") and
// replaces the rest, so an odd third-party name still counts as a verdict
// but nothing strange reaches a user's message or a log line.
func cleanSignature(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200]
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("._-:/+", r):
			return r
		}
		return '?'
	}, s)
	if s == "" {
		return "?"
	}
	return s
}
