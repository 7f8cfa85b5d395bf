package scan

import (
	"errors"
	"strings"
	"testing"
)

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		reply   string
		want    Result
		wantErr error // nil = no error; errAny = some error
	}{
		{"stream: OK", Result{}, nil},
		{"stream: OK\x00", Result{}, nil},
		{"stream: OK\n", Result{}, nil},
		{"stream: Win.Test.EICAR_HDB-1 FOUND", Result{true, "Win.Test.EICAR_HDB-1"}, nil},
		{"stream: Eicar-Signature FOUND\x00", Result{true, "Eicar-Signature"}, nil},
		{"stream: Heuristics.Phishing.Email.SpoofedDomain FOUND\n", Result{true, "Heuristics.Phishing.Email.SpoofedDomain"}, nil},
		{"stream: Odd name<script> FOUND", Result{true, "Odd?name?script?"}, nil},
		{"INSTREAM size limit exceeded. ERROR", Result{}, ErrTooLarge},
		{"INSTREAM size limit exceeded. ERROR\x00", Result{}, ErrTooLarge},
		{"stream: Can't allocate memory ERROR", Result{}, errAny},
		{"stream: OK FOUND", Result{true, "OK"}, nil},
		{"stream: FOUND", Result{}, errAny},
		{"OK", Result{}, errAny},
		{"", Result{}, errAny},
		{"stream:", Result{}, errAny},
		{"stream: ok", Result{}, errAny},
		{"PONG", Result{}, errAny},
		{"UNKNOWN COMMAND", Result{}, errAny},
		{"1: stream: OK", Result{}, errAny},
	} {
		got, err := parseReply(tc.reply)
		switch {
		case tc.wantErr == nil && err != nil:
			t.Errorf("%q: unexpected error %v", tc.reply, err)
		case tc.wantErr == errAny && err == nil:
			t.Errorf("%q: got %+v, want an error", tc.reply, got)
		case tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr):
			t.Errorf("%q: error %v, want %v", tc.reply, err, tc.wantErr)
		case got != tc.want:
			t.Errorf("%q: got %+v, want %+v", tc.reply, got, tc.want)
		}
	}
}

var errAny = errors.New("any error")

// Whatever clamd (or something pretending to be it) answers, the parser
// never calls a stream clean unless the answer was exactly OK, and never
// returns both a verdict and an error.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"stream: OK", "stream: Eicar FOUND", "INSTREAM size limit exceeded. ERROR",
		"stream: x ERROR", "stream: OK\x00junk", "stream:  FOUND", "stream: \x00 FOUND"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		res, err := parseReply(reply)
		clean := err == nil && !res.Infected
		if clean && strings.TrimRight(reply, "\x00\r\n") != "stream: OK" {
			t.Fatalf("%q parsed as clean", reply)
		}
		if err != nil && res != (Result{}) {
			t.Fatalf("%q: both %+v and %v", reply, res, err)
		}
		if res.Infected && (res.Signature == "" || strings.ContainsFunc(res.Signature, func(r rune) bool { return r < '!' || r > '~' })) {
			t.Fatalf("%q: signature %q", reply, res.Signature)
		}
	})
}
