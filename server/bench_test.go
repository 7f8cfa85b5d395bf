package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The benchmarks put each motcua operation beside a raw baseline on the
// same database in the same run, since absolute numbers on shared machines
// mean little: report the ratio (see BENCHMARKS.md).
//
//	go test -run '^$' -bench . -benchtime 2s ./server/

func benchEngines(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) { fn(b, storetest.Open(b, engine)) })
	}
}

// BenchmarkSubmit: POST /api/v1/dossiers through the full handler (auth,
// validation, code allocation, insert, history event) against a raw
// one-row INSERT transaction of a dossier-sized row.
func BenchmarkSubmit(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		e := newEnv(b, db)
		p := interLevel(b)
		body, _ := json.Marshal(submission(e.procedure(p.Code), demo.GiaLamCode))
		token := e.token("congdan")
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE bench_raw (id BIGINT PRIMARY KEY, code TEXT NOT NULL, body TEXT NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		b.Run("baseline-raw-insert", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (id, code, body) VALUES (?, ?, ?)`, i, fmt.Sprint("code-", i), string(body))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("submit-http", func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/dossiers", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				e.app.Handler.ServeHTTP(w, req)
				if w.Code != http.StatusCreated {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	})
}

// BenchmarkTrack: GET /api/v1/track/{code} (public tracking with history)
// against a raw SELECT of one dossier row by code.
func BenchmarkTrack(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		e := newEnv(b, db)
		p := interLevel(b)
		ctx := context.Background()
		var codes []string
		tokens := map[string]string{}
		for range 200 {
			d := e.submit(p.Code, demo.GiaLamCode)
			codes = append(codes, d.Code)
			tokens[d.Code] = d.TrackToken
		}
		for _, c := range codes[:100] {
			e.mustAct("gialam.tiepnhan", c, "receive", nil)
		}
		b.Run("baseline-raw-select", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				var id int64
				var status string
				if err := db.QueryRowContext(ctx, `SELECT id, status FROM dossiers WHERE code = ?`, codes[i%len(codes)]).Scan(&id, &status); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("track-http", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c := codes[i%len(codes)]
				req := httptest.NewRequest("GET", "/api/v1/track/"+c+"?token="+tokens[c], nil)
				// Requests come from many addresses, as they would: one
				// address would be throttled (30 at once) by the test's
				// stopped clock. 65,536 of them stay under the limiter's bound.
				req.RemoteAddr = fmt.Sprintf("10.0.%d.%d:1234", i>>8&255, i&255)
				w := httptest.NewRecorder()
				e.app.Handler.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	})
}
