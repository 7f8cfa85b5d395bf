package store_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0/0", 0, true},
		{"0/3000148", 0x3000148, true},
		{"16/B374D848", 0x16_B374D848, true},
		{"FFFFFFFF/FFFFFFFF", 1<<64 - 1, true},
		{"", 0, false},
		{"3000148", 0, false},
		{"1/2/3", 0, false},
		{"100000000/0", 0, false},
		{"x/1", 0, false},
	} {
		got, err := store.ParseLSN(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseLSN(%q) = %x, %v; want %x, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// syncBuffer is a log destination the replica's pool goroutines and the
// test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestReplicaReads runs on a real streaming replica with its replay
// paused: a read through Replica without a session's write behind it is
// served by the replica (which answers pg_is_in_recovery() true and lacks
// the row written since the pause); a session whose write the replica
// lacks reads the primary; once the replica caught up, the same session
// reads the replica again; a stopped replica sends reads to the primary
// and is logged once.
func TestReplicaReads(t *testing.T) {
	rep := storetest.StartReplica(t)
	u := storetest.MigratedPostgresURL(t)
	pu, _ := url.Parse(u)
	rep.CatchUp(t) // the new database is on the replica too
	var log syncBuffer
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{URL: u, Replica: rep.URL(strings.TrimPrefix(pu.Path, "/")),
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.HasReplica() {
		t.Fatal("HasReplica false with Config.Replica set")
	}
	// where says who answered a read through Replica(ctx), and how many
	// sequences it sees.
	where := func(ctx context.Context) (onReplica bool, rows int) {
		t.Helper()
		q := db.Replica(ctx)
		if err := q.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&onReplica); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_sequences WHERE prefix = ?`, "r").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		return onReplica, rows
	}
	insert := func(ctx context.Context, day string) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, 1)`, "r", day)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}

	insert(ctx, "1")
	rep.CatchUp(t)
	if on, n := where(ctx); !on || n != 1 {
		t.Fatalf("caught-up replica: answered by replica %v, %d rows; want the replica, 1", on, n)
	}

	rep.Exec(t, `SELECT pg_wal_replay_pause()`)
	sctx, sess := store.WithSession(ctx, "")
	insert(sctx, "2")
	if !sess.Wrote() {
		t.Fatal("a committed InTx left the session unmarked")
	}
	lsn, err := db.WriteLSN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if on, n := where(ctx); !on || n != 1 {
		t.Errorf("paused replica, another caller: replica %v, %d rows; want the replica's 1 (lag tolerated)", on, n)
	}
	writer, _ := store.WithSession(ctx, lsn)
	for range 20 {
		if on, n := where(writer); on || n != 2 {
			t.Fatalf("paused replica, the writer: replica %v, %d rows; want the primary's 2", on, n)
		}
	}
	if _, err := db.Replica(ctx).ExecContext(ctx, `DELETE FROM dossier_sequences`); err == nil {
		t.Error("a write through Replica ran")
	}

	rep.Exec(t, `SELECT pg_wal_replay_resume()`)
	rep.CatchUp(t)
	if on, n := where(writer); !on || n != 2 {
		t.Errorf("caught up, the writer: replica %v, %d rows; want the replica's 2", on, n)
	}

	rep.Stop(t)
	for range 5 {
		if on, n := where(ctx); on || n != 2 {
			t.Fatalf("replica stopped: replica %v, %d rows; want the primary's 2", on, n)
		}
	}
	if c := strings.Count(log.String(), "read replica unreachable"); c != 1 {
		t.Errorf("replica stopped: logged %d times, want once:\n%s", c, log.String())
	}
}

// Without a primary URL there is no replica to read: SQLite refuses one.
func TestReplicaNeedsPostgres(t *testing.T) {
	_, err := store.Open(context.Background(), store.Config{Dir: t.TempDir(), Replica: "postgres://127.0.0.1:1/x"})
	if err == nil {
		t.Fatal("SQLite opened with a replica")
	}
}
