package dossier

import (
	"bytes"
	"compress/zlib"
	"io"
	"slices"
	"strings"
)

// Flags on a stored file: what an officer should know before opening it.
// The file is kept as uploaded (it may be the only copy of a signed
// document); the office page warns and does not preview it inline.
const (
	// FlagJavaScript: the PDF carries JavaScript (/JavaScript, /JS), which
	// a viewer may run on opening (/OpenAction) or on any page event.
	FlagJavaScript = "javascript"
	// FlagLaunch: the PDF asks the viewer to start a program (/Launch).
	FlagLaunch = "launch"
	// FlagEmbeddedFile: the PDF carries other files inside it.
	FlagEmbeddedFile = "embedded_file"
)

// riskyNames are the PDF name objects that raise a flag. /OpenAction on
// its own only opens a page; with a script it is caught by /JS.
var riskyNames = map[string]string{
	"JavaScript":    FlagJavaScript,
	"JS":            FlagJavaScript,
	"Launch":        FlagLaunch,
	"EmbeddedFile":  FlagEmbeddedFile,
	"EmbeddedFiles": FlagEmbeddedFile,
}

// inflateBudget bounds how much decompressed data one PDF may make us
// read, so a compression bomb costs at most this much work. A PDF whose
// streams inflate past it is checked only as far as the budget went.
const inflateBudget = 256 << 20

// nameOverlap is kept from one chunk of inflated data to the next so a
// name cut by the chunk boundary is seen whole: the longest risky name,
// every byte escaped (#xx), fits.
const nameOverlap = 64

// scanReader scans r's names chunk by chunk, so a large stream costs a
// small buffer, and returns how many bytes it read.
func scanReader(r io.Reader, found map[string]bool) int64 {
	buf := make([]byte, nameOverlap+256<<10)
	var total int64
	keep := 0
	for {
		n, err := io.ReadFull(r, buf[keep:])
		total += int64(n)
		end := keep + n
		final := err != nil
		scanNames(buf[:end], found, final)
		if final {
			return total
		}
		keep = copy(buf, buf[end-nameOverlap:end])
	}
}

// pdfFlags returns the flags of a PDF's bytes, sorted. It looks at every
// name object in the file and in its Flate-compressed streams (object
// streams hide dictionaries there), decoding #xx escapes in names, so
// /J#61vaScript or a compressed /JS are found too. It is a warning, not a
// parser: a name quoted inside a text string also raises the flag.
func pdfFlags(data []byte) []string {
	found := map[string]bool{}
	scanNames(data, found, true)
	budget := int64(inflateBudget)
	kw := []byte("stream")
	for off := 0; budget > 0; {
		i := bytes.Index(data[off:], kw)
		if i < 0 {
			break
		}
		start := off + i
		off = start + len(kw)
		if start >= 3 && string(data[start-3:start]) == "end" {
			continue // "endstream" starts nothing
		}
		// The keyword is followed by an end of line, then the data.
		body := data[off:]
		switch {
		case bytes.HasPrefix(body, []byte("\r\n")):
			body = body[2:]
		case bytes.HasPrefix(body, []byte("\n")), bytes.HasPrefix(body, []byte("\r")):
			body = body[1:]
		default:
			continue
		}
		if j := bytes.Index(body, []byte("endstream")); j >= 0 {
			body = body[:j]
		}
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			continue
		}
		budget -= scanReader(io.LimitReader(zr, budget), found)
	}
	var flags []string
	for f := range found {
		flags = append(flags, f)
	}
	slices.Sort(flags)
	return flags
}

// scanNames adds the flag of every risky name object in b to found. When
// b is not the end of its data (!final), a name running to b's end may be
// cut short and is left for the next chunk.
func scanNames(b []byte, found map[string]bool, final bool) {
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		j := i + 1
		for j < len(b) && !pdfDelimiter(b[j]) {
			j++
		}
		if j == len(b) && !final {
			return
		}
		if f, ok := riskyNames[decodeName(b[i+1:j])]; ok {
			found[f] = true
		}
		i = j - 1
	}
}

// pdfDelimiter reports whether c ends a PDF name (white space or a
// delimiter character, PDF 32000-1 §7.2.2).
func pdfDelimiter(c byte) bool {
	return strings.IndexByte("\x00\t\n\x0c\r ()<>[]{}/%", c) >= 0
}

// decodeName undoes #xx escapes in a name ("J#61vaScript" → "JavaScript").
func decodeName(n []byte) string {
	if bytes.IndexByte(n, '#') < 0 {
		return string(n)
	}
	var sb strings.Builder
	for i := 0; i < len(n); i++ {
		if n[i] == '#' && i+2 < len(n) {
			if hi, lo := unhex(n[i+1]), unhex(n[i+2]); hi >= 0 && lo >= 0 {
				sb.WriteByte(byte(hi<<4 | lo))
				i += 2
				continue
			}
		}
		sb.WriteByte(n[i])
	}
	return sb.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
