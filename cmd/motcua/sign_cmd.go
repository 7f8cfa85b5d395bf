package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/sign"
)

const signUsage = `usage:
  motcua sign --pkcs11-module LIB --token-label LABEL [--key-label L | --key-id HEX] --pin-stdin [options] IN.pdf OUT.pdf
  motcua sign --p12 FILE --password-stdin [options] IN.pdf OUT.pdf
      sign IN.pdf (PAdES B-B, or B-T with --tsa) and write OUT.pdf
      the PIN or password is read from standard input, never from a flag
  options:
      --seal               the organisation's signature: with --image, the seal over
                           the leader's signature image; without, text at the top right
                           of page 1 (attachments, copies) with the --text lines
      --image PNG          the signature image (leader) or the seal image (--seal)
      --title "…"          the leader's position ("\n" between lines), above the image
      --name "…"           the leader's name, below the image
      --text "…"           a line of the organisation's text signature (repeatable),
                           e.g. --text "Số: 15/QĐ-UBND"; the signing time is added
      --page N             page (default: last; 1 for text signatures)
      --rect X,Y,W,H       position in millimetres from the page's top left corner
      --seal-mm D          the seal's actual width (default: from the PNG, else 36)
      --font TTF           font for the text (Liberation Serif); without one the
                           text is written without Vietnamese diacritics
      --bold-font TTF      bold font for the leader's title and name
      --tsa URL            RFC 3161 time-stamp authority (PAdES B-T)
      --cert PEM           the signer's certificate and chain, when the token lacks them
      --reason "…", --location "…"
  motcua verify [--trust PEM] [--json] FILE.pdf
      check every signature; exit status 0 only when there is at least one,
      all are valid and the document is unmodified since the last
`

// runSign implements "motcua sign": how clerks and administrators sign a
// result, a receipt or an attachment outside the web application.
func runSign(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	module := fs.String("pkcs11-module", "", "PKCS#11 library of the token or HSM")
	tokenLabel := fs.String("token-label", "", "label of the token")
	keyLabel := fs.String("key-label", "", "label of the key on the token")
	keyID := fs.String("key-id", "", "id of the key on the token, in hexadecimal")
	pinStdin := fs.Bool("pin-stdin", false, "read the token PIN from standard input")
	p12 := fs.String("p12", "", "PKCS#12 file holding the key and certificate")
	pwStdin := fs.Bool("password-stdin", false, "read the PKCS#12 password from standard input")
	certFile := fs.String("cert", "", "PEM file with the signer's certificate and chain")
	seal := fs.Bool("seal", false, "sign as the organisation")
	image := fs.String("image", "", "PNG signature or seal image")
	title := fs.String("title", "", "the signer's position")
	name := fs.String("name", "", "the signer's name")
	var lines multiFlag
	fs.Var(&lines, "text", "a line of the text signature (repeatable)")
	page := fs.Int("page", 0, "page number")
	rect := fs.String("rect", "", "X,Y,W,H in millimetres from the top left corner")
	sealMM := fs.Float64("seal-mm", 0, "actual width of the seal in millimetres")
	font := fs.String("font", "", "TrueType font for the appearance text")
	boldFont := fs.String("bold-font", "", "TrueType bold font for the title and name")
	tsa := fs.String("tsa", "", "URL of an RFC 3161 time-stamp authority")
	reason := fs.String("reason", "", "reason for signing")
	location := fs.String("location", "", "place of signing")
	if err := parse(fs, args); err != nil {
		if he := (*helpError)(nil); errors.As(err, &he) {
			return &helpError{text: signUsage + "\n" + he.text}
		}
		return fmt.Errorf("sign: %w (see motcua sign --help)", err)
	}
	if fs.NArg() != 2 {
		return errors.New("sign: want IN.pdf and OUT.pdf (see motcua sign --help)")
	}
	in, out := fs.Arg(0), fs.Arg(1)
	doc, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var certs []*x509.Certificate
	if *certFile != "" {
		b, err := os.ReadFile(*certFile)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		if certs, err = sign.ParseCertificates(b); err != nil {
			return err
		}
	}

	opt := sign.Options{Reason: *reason, Location: *location}
	if *tsa != "" {
		opt.TSA = &sign.TSA{URL: *tsa}
	}
	a := &opt.Appearance
	a.Title, a.Name, a.Lines, a.Page = strings.ReplaceAll(*title, `\n`, "\n"), *name, lines, *page
	a.SealWidth = *sealMM * 72 / 25.4
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{*image, &a.Image}, {*font, &a.Font}, {*boldFont, &a.BoldFont}} {
		if f.path == "" {
			continue
		}
		if *f.dst, err = os.ReadFile(f.path); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
	}
	switch {
	case *seal && a.Image != nil:
		a.Kind = sign.Seal
	case *seal:
		a.Kind = sign.SealText
	case a.Image == nil && a.Title == "" && a.Name == "":
		a.Kind = sign.Invisible
	default:
		a.Kind = sign.Personal
	}
	if *rect != "" {
		r, err := parseRect(*rect, doc, a.Page, a.Kind)
		if err != nil {
			return err
		}
		a.Rect = r
	}
	if a.Kind != sign.Invisible && a.Kind != sign.Seal && a.Font == nil {
		fmt.Fprintln(stderr, "motcua sign: no --font: the signature's text is written without Vietnamese diacritics")
	}

	var key *sign.Key
	switch {
	case *module != "":
		if !*pinStdin {
			return errors.New("sign: --pin-stdin is required: pass the token PIN on standard input")
		}
		id, err := hex.DecodeString(*keyID)
		if err != nil {
			return errors.New("sign: --key-id must be hexadecimal")
		}
		if *keyID == "" {
			id = nil
		}
		pin, err := readSecret(stdin)
		if err != nil {
			return err
		}
		key, err = sign.OpenPKCS11(sign.PKCS11Config{Module: *module, TokenLabel: *tokenLabel, KeyLabel: *keyLabel, KeyID: id, PIN: pin, Certs: certs})
		if err != nil {
			return err
		}
		defer key.Close()
	case *p12 != "":
		if !*pwStdin {
			return errors.New("sign: --password-stdin is required: pass the PKCS#12 password on standard input")
		}
		data, err := os.ReadFile(*p12)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		pw, err := readSecret(stdin)
		if err != nil {
			return err
		}
		if key, err = sign.OpenPKCS12(data, pw); err != nil {
			return err
		}
		key.Chain = sign.OrderChain(key.Chain[0], append(key.Chain[1:], certs...))
	default:
		return errors.New("sign: give a key: --pkcs11-module and --token-label, or --p12")
	}

	signed, err := sign.Sign(ctx, doc, key, opt)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(out, signed); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	fmt.Fprintf(stdout, "signed %s → %s (%s, %s signature by %s)\n", in, out, level(opt), a.Kind, key.Chain[0].Subject.CommonName)
	return nil
}

func level(opt sign.Options) string {
	if opt.TSA != nil {
		return "PAdES B-T"
	}
	return "PAdES B-B"
}

// readSecret reads one line (the PIN or password) from stdin.
func readSecret(stdin io.Reader) (string, error) {
	s, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	s = strings.TrimRight(s, "\r\n")
	if s == "" {
		return "", errors.New("sign: nothing on standard input (the PIN or password)")
	}
	return s, nil
}

// parseRect reads "X,Y,W,H" in millimetres from the top left corner of
// the page and converts it to PDF points from the bottom left.
func parseRect(s string, doc []byte, page int, kind sign.Kind) (*sign.Rect, error) {
	parts := strings.Split(s, ",")
	var v [4]float64
	if len(parts) != 4 {
		return nil, errors.New("sign: --rect wants X,Y,W,H in millimetres")
	}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 {
			return nil, errors.New("sign: --rect wants X,Y,W,H in millimetres")
		}
		v[i] = f * 72 / 25.4
	}
	if page == 0 && kind == sign.SealText {
		page = 1
	}
	box, err := sign.PageBox(doc, page)
	if err != nil {
		return nil, err
	}
	return &sign.Rect{X: box.X + v[0], Y: box.Y + box.H - v[1] - v[3], W: v[2], H: v[3]}, nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".motcua-sign-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// runVerify implements "motcua verify FILE.pdf": a readable report, and
// an error (exit status 1) unless every signature is valid.
func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	trustFile := fs.String("trust", "", "PEM bundle of trusted certificates (the trust list)")
	asJSON := fs.Bool("json", false, "print the signatures as JSON")
	if err := parse(fs, args); err != nil {
		if he := (*helpError)(nil); errors.As(err, &he) {
			return &helpError{text: signUsage + "\n" + he.text}
		}
		return fmt.Errorf("verify: %w", err)
	}
	if fs.NArg() != 1 {
		return errors.New("verify: want exactly one PDF file")
	}
	trust, err := loadTrust(*trustFile)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	sigs, err := sign.Verify(doc, trust)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sigs); err != nil {
			return err
		}
	} else {
		printReport(stdout, fs.Arg(0), sigs, trust != nil)
	}
	if !sign.AllValid(sigs) {
		if len(sigs) == 0 {
			return errors.New("verify: the document has no signature")
		}
		return errors.New("verify: INVALID: not every signature is valid (see the report)")
	}
	return nil
}

// loadTrust reads the trust list; no file means no trust list.
func loadTrust(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trust list: %w", err)
	}
	pool, err := sign.TrustPool(b)
	if err != nil {
		return nil, fmt.Errorf("trust list %s: %w", path, err)
	}
	return pool, nil
}

func printReport(w io.Writer, file string, sigs []sign.SignatureInfo, trustGiven bool) {
	fmt.Fprintf(w, "%s: %d signature(s)\n", file, len(sigs))
	t := func(p *time.Time) string { return p.In(time.FixedZone("+07", 7*3600)).Format(time.RFC3339) }
	for i, s := range sigs {
		verdict := "VALID"
		if !s.Valid {
			verdict = "INVALID"
		}
		fmt.Fprintf(w, "\nSignature %d (%s): %s\n", i+1, s.Field, verdict)
		fmt.Fprintf(w, "  signer:       %s", s.Signer)
		if s.Organization != "" && s.Organization != s.Signer {
			fmt.Fprintf(w, " (%s)", s.Organization)
		}
		fmt.Fprintln(w)
		if s.SigningTime != nil {
			fmt.Fprintf(w, "  signing time: %s (as claimed by the signer)\n", t(s.SigningTime))
		}
		if s.TimeStamp != nil {
			fmt.Fprintf(w, "  time-stamp:   %s by %s\n", t(s.TimeStamp), s.TimeStampAuthority)
		}
		fmt.Fprintf(w, "  level:        %s (%s, %s)\n", s.Level, s.SubFilter, s.Algorithm)
		switch {
		case s.Revision == 0:
		case s.CoversDocument:
			fmt.Fprintln(w, "  covers:       the whole document")
		case s.ModifiedAfter:
			fmt.Fprintf(w, "  covers:       the first %d bytes; the document was CHANGED after this signature\n", s.Revision)
		default:
			fmt.Fprintf(w, "  covers:       the first %d bytes; only later signatures were added after it\n", s.Revision)
		}
		integrity := "intact: the signed bytes are unchanged"
		if !s.Intact {
			integrity = "BROKEN"
		}
		fmt.Fprintf(w, "  integrity:    %s\n", integrity)
		trust := "not checked (no --trust)"
		switch {
		case trustGiven && s.Trusted:
			trust = "the chain reaches the trust list"
		case trustGiven:
			trust = "NOT TRUSTED: the chain does not reach the trust list"
		}
		fmt.Fprintf(w, "  trust:        %s\n", trust)
		for j, c := range s.Chain {
			fmt.Fprintf(w, "  chain %d:      %s (valid %s to %s, SHA-256 %s…)\n", j, c.Subject, c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"), c.SHA256[:16])
		}
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  problem:      %s\n", sign.ProblemText(p))
		}
	}
	fmt.Fprintln(w)
	if sign.AllValid(sigs) {
		fmt.Fprintln(w, "Result: every signature is valid and the document is unmodified since the last one.")
	} else {
		fmt.Fprintln(w, "Result: INVALID.")
	}
}
