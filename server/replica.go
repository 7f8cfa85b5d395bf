package server

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/store"
)

// lsnCookie carries, between one browser's requests, the primary's WAL
// position after that browser's last write. Reads that tolerate lag go to
// the replica (store.DB.Replica) only once it has replayed that far, so a
// citizen who files a dossier and tracks it at once sees it. The value is
// no secret: a forged one can only send its own holder's reads to the
// primary. Five minutes outlast any lag a healthy replica has.
const lsnCookie = "motcua_lsn"

const lsnCookieAge = 300

// readYourWrites gives every request a store.Session from lsnCookie and,
// when the request wrote, sets lsnCookie on its response. Only with a
// replica: without one every read is on the primary already.
//
// The position is read when the response starts, after the handler's
// transaction committed; a handler that commits after it starts writing
// its response (none does) would not be covered.
func readYourWrites(db *store.DB, https bool, next http.Handler) http.Handler {
	if !db.HasReplica() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var last string
		if c, err := r.Cookie(lsnCookie); err == nil {
			last = c.Value
		}
		ctx, sess := store.WithSession(r.Context(), last)
		r = r.WithContext(ctx)
		lw := &lsnWriter{ResponseWriter: w, r: r, db: db, sess: sess, secure: https || r.TLS != nil}
		next.ServeHTTP(lw, r)
		lw.stamp() // a response with no body and no WriteHeader
	})
}

type lsnWriter struct {
	http.ResponseWriter
	r       *http.Request
	db      *store.DB
	sess    *store.Session
	secure  bool
	stamped bool
}

func (l *lsnWriter) WriteHeader(code int) {
	l.stamp()
	l.ResponseWriter.WriteHeader(code)
}

func (l *lsnWriter) Write(b []byte) (int, error) {
	l.stamp()
	return l.ResponseWriter.Write(b)
}

func (l *lsnWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// stamp sets lsnCookie, once, if the request wrote. A failure to read the
// position only costs the cookie: the session's next reads may lag.
func (l *lsnWriter) stamp() {
	if l.stamped {
		return
	}
	l.stamped = true
	if !l.sess.Wrote() {
		return
	}
	lsn, err := l.db.WriteLSN(l.r.Context())
	if err != nil || lsn == "" {
		return
	}
	http.SetCookie(l.ResponseWriter, &http.Cookie{Name: lsnCookie, Value: lsn, Path: "/", MaxAge: lsnCookieAge,
		HttpOnly: true, Secure: l.secure, SameSite: http.SameSiteLaxMode})
}

// httpsURL reports whether the public URL is https (cookies then Secure).
func httpsURL(u string) bool { return strings.HasPrefix(strings.ToLower(u), "https://") }
