package web

import (
	"io"
	"net/http"
)

// OnFirstWrite returns a writer to w that calls before on w's headers at
// its first Write. A streamed download (a ZIP) sets its headers so: if the
// handler fails before its first byte, the error is answered as any error
// is, not as an attachment.
func OnFirstWrite(w http.ResponseWriter, before func(http.Header)) io.Writer {
	return &firstWrite{w: w, before: before}
}

type firstWrite struct {
	w      http.ResponseWriter
	before func(http.Header)
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.before != nil {
		f.before(f.w.Header())
		f.before = nil
	}
	return f.w.Write(p)
}
