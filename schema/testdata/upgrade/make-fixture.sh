#!/usr/bin/env bash
# make-fixture.sh COMMIT — the upgrade test's fixture of a release: motcua
# built at COMMIT in a temporary worktree, its own `demo generate` run into
# a fresh SQLite data directory, and the counts that matter measured there
# by sqlite3 (not by motcua) into manifest.json. Writes
# schema/testdata/upgrade/<COMMIT's 12 digits>/. Run it from the repository
# at each release (docs/operations.md, Upgrades); needs go, git, sqlite3, gzip.
# With MOTCUA_FIXTURE_PG set to a PostgreSQL server's URL (postgres://…/postgres)
# the same command also runs on a new database there, dumped as pg.sql.gz
# (pg_dump, plain SQL) for the test's PostgreSQL half; the one manifest
# serves both, the generator being deterministic for a seed.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 COMMIT" >&2; exit 2; }
root=$(git rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse --verify "$1^{commit}")
short=${commit:0:12}
out="$root/schema/testdata/upgrade/$short"
[ ! -e "$out" ] || { echo "$out exists" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/src" 2>/dev/null; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --detach "$tmp/src" "$commit" >/dev/null
(cd "$tmp/src" && go build -o "$tmp/motcua" ./cmd/motcua)
# Small on purpose: the fixture is committed (about 0.8 MB gzipped at 0.01).
cmd=(demo generate --year 2022 --scale 0.01 --seed 1)
"$tmp/motcua" "${cmd[@]}" --data "$tmp/data"
db="$tmp/data/motcua.db"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null

mkdir -p "$out"
gzip -9 -n -c "$db" > "$out/motcua.db.gz"
# The demo's TOTP secrets are sealed with this key; it seals nothing real.
cp "$tmp/data/secret.key" "$out/secret.key"
# One dossier's "latest state": status, step, unit, version, how many
# events and the last one's action — what an upgrade must not change.
sqlite3 "$db" > "$out/manifest.json" <<SQL
SELECT json_object(
  'commit', '$commit',
  'command', 'motcua ${cmd[*]} --data DIR',
  'generated_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
  'migrations', (SELECT json_group_object(module, n) FROM (SELECT module, COUNT(*) AS n FROM schema_versions GROUP BY module ORDER BY module)),
  'counts', json_object(
    'dossiers', (SELECT COUNT(*) FROM dossiers),
    'dossier_events', (SELECT COUNT(*) FROM dossier_events),
    'dossier_files', (SELECT COUNT(*) FROM dossier_files),
    'dossier_pauses', (SELECT COUNT(*) FROM dossier_pauses),
    'users', (SELECT COUNT(*) FROM users),
    'user_roles', (SELECT COUNT(*) FROM user_roles),
    'units', (SELECT COUNT(*) FROM units),
    'procedures', (SELECT COUNT(*) FROM procedures),
    'procedure_versions', (SELECT COUNT(*) FROM procedure_versions),
    'payments', (SELECT COUNT(*) FROM payments),
    'payment_events', (SELECT COUNT(*) FROM payment_events),
    'ratings', (SELECT COUNT(*) FROM ratings),
    'postal_shipments', (SELECT COUNT(*) FROM postal_shipments),
    'notify_outbox', (SELECT COUNT(*) FROM notify_outbox),
    'tally_dossiers', (SELECT COUNT(*) FROM tally_dossiers),
    'audit_entries', (SELECT COUNT(*) FROM audit_entries)),
  'states', (SELECT json_group_object(status, n) FROM (SELECT status, COUNT(*) AS n FROM dossiers GROUP BY status ORDER BY status)),
  'dossiers', (SELECT json_group_object(code, s) FROM (
    SELECT d.code, d.status || ' ' || d.step || ' ' || u.code || ' ' || d.version || ' ' ||
      (SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = d.id) || ' ' ||
      (SELECT e.action FROM dossier_events e WHERE e.dossier_id = d.id ORDER BY e.id DESC LIMIT 1) AS s
    FROM dossiers d JOIN units u ON u.id = d.unit_id ORDER BY d.code)));
SQL
if [ -n "${MOTCUA_FIXTURE_PG:-}" ]; then
  name="motcua_fixture_$short"
  psql "$MOTCUA_FIXTURE_PG" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name"
  pgurl=$(printf '%s' "$MOTCUA_FIXTURE_PG" | sed -E "s#/[^/?]*(\?|$)#/$name\1#")
  "$tmp/motcua" "${cmd[@]}" --data "$tmp/pgdata" --db "$pgurl"
  pg_dump --no-owner --no-privileges "$pgurl" | gzip -9 -n > "$out/pg.sql.gz"
  psql "$MOTCUA_FIXTURE_PG" -qc "DROP DATABASE $name"
fi
echo "wrote $out (commit $commit)"
