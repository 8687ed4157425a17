#!/usr/bin/env bash
# run.sh: one whole side-by-side benchmark, Rapport (A) against PostGraphile v5 (B), on one
# PostgreSQL 15 database, everything on 127.0.0.1. Run as root from anywhere: bash .ci/bench/run.sh
#
#   1. a throw-away PostgreSQL 15 cluster on port 5499 (shared_buffers 1GB, max_connections 200),
#      database crm_bench;
#   2. cargo build --release -p rapport; `rapport migrate`; `rapport seed --companies C --contacts N
#      --activities M`, which prints `Workspace id: <uuid>` and `API key: <secret>` (parsed here);
#   3. PostGraphile 5 (postgraphile.sh) on :5005 and Rapport (RAPPORT_MODE=api, production) on :8080;
#   4. the four request bodies, a same-rows check of both servers' answers, then compare.sh for
#      query a (50 contacts by name + company name) and query b (one contact by random number +
#      its last 20 activities): --conc 16,64 --duration 15 --warmup 3 --rounds 3;
#      Markdown to .ci/bench/results-<date>.md, CSV rows to .ci/bench/results-<date>.csv;
#   5. on exit (also on error or Ctrl-C): stop both servers and PostgreSQL, remove the temp dir.
#
# Environment knobs (defaults in brackets):
#   COMPANIES [10000] CONTACTS [100000] ACTIVITIES [1000000]   seed sizes; --id-max is CONTACTS
#   BENCH_CONC [16,64] BENCH_DURATION [15] BENCH_WARMUP [3] BENCH_ROUNDS [3]   passed to compare.sh
#   BENCH_COMPARE_ARGS        more compare.sh options, e.g. "--idle-wait 0 --retries 0" for a smoke run
#   BENCH_SKIP_BUILD=1        use the existing target/release/rapport (no cargo build)
#   BENCH_CACHE [~/.cache/rapport-bench]   where postgraphile.sh keeps PostGraphile and Node 22
#   BENCH_ALLOW_MISMATCH=1    go on even if the two servers answer with different rows
#   BENCH_KEEP=1              keep the temp dir (logs, bodies, seed output) instead of removing it
# Exit status: 0 all good; 2 a body check failed; 3 some runs were not counted (see compare.sh);
# 1 anything else.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
COMPANIES=${COMPANIES:-10000} CONTACTS=${CONTACTS:-100000} ACTIVITIES=${ACTIVITIES:-1000000}
CONC=${BENCH_CONC:-16,64} DURATION=${BENCH_DURATION:-15} WARMUP=${BENCH_WARMUP:-3} ROUNDS=${BENCH_ROUNDS:-3}
export BENCH_CACHE=${BENCH_CACHE:-$HOME/.cache/rapport-bench}
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=5499 PGL_PORT=5005 RAPPORT_PORT=8080
DB_URL=postgres://postgres@127.0.0.1:$PG_PORT/crm_bench
BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/rapport
STAMP=$(date -u +%F-%H%M)
OUT=$HERE/results-$STAMP.md
CSV=$HERE/results-$STAMP.csv

log() { echo "run.sh: $*" >&2; }
die() { log "$*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for n in "$COMPANIES" "$CONTACTS" "$ACTIVITIES"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"; done
((EUID == 0)) || die "run as root (the cluster runs as the postgres user, tools come from apt-get)"
[[ $(uname -m) == x86_64 ]] || die "x86_64 only (postgraphile.sh's Node 22 binary)"
for p in $PG_PORT $PGL_PORT $RAPPORT_PORT; do port_in_use "$p" && die "127.0.0.1:$p is already in use"; done

# ---------------------------------------------------------------- tools
if [[ ! -x $PG_BIN/initdb ]]; then
  log "installing PostgreSQL 15 with apt-get"
  apt-get update -qq && { apt-get install -y -qq postgresql-15 >/dev/null || apt-get install -y -qq postgresql >/dev/null; }
  [[ -x $PG_BIN/initdb ]] || die "no $PG_BIN/initdb after apt-get install"
fi
need=()
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
command -v npm >/dev/null || need+=(npm)
if ((${#need[@]})); then
  log "installing ${need[*]} with apt-get"
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)

# ---------------------------------------------------------------- clean-up, whatever happens
D="" PG_STARTED=0 PGL_STARTED=0 RAPPORT_PID=""
# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $RAPPORT_PID ]] && kill -0 "$RAPPORT_PID" 2>/dev/null; then
    kill -TERM "$RAPPORT_PID"
    for _ in $(seq 50); do kill -0 "$RAPPORT_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$RAPPORT_PID" 2>/dev/null && kill -KILL "$RAPPORT_PID"
    wait "$RAPPORT_PID" 2>/dev/null
    log "stopped Rapport pid $RAPPORT_PID"
  fi
  ((PGL_STARTED)) && "$HERE/postgraphile.sh" stop "$PGL_PORT" >&2
  if ((rc != 0 && rc != 3)) && [[ -n $D ]]; then
    for f in "$D/seed.log" "$D/rapport.log" "$BENCH_CACHE/run/postgraphile-$PGL_PORT.log" "$D/pg/pg.log"; do
      [[ -s $f ]] && { log "--- last lines of $f"; tail -15 "$f" >&2; }
    done
  fi
  ((PG_STARTED)) && su postgres -c "$PG_BIN/pg_ctl -D '$D/pg/data' -m fast -w stop" >/dev/null && log "stopped PostgreSQL"
  if [[ -n $D ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $D"; else rm -rf "$D"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 1. PostgreSQL 15, throw-away
D=$(mktemp -d /tmp/rapport-bench.XXXXXX)
chmod 755 "$D"
mkdir "$D/pg" "$D/rapport-data" "$D/bodies"
chown postgres "$D/pg"
su postgres -c "$PG_BIN/initdb -D '$D/pg/data' -A trust -U postgres" >/dev/null
printf "listen_addresses='127.0.0.1'\nport=%s\nunix_socket_directories='/tmp'\nmax_connections=200\nshared_buffers=1GB\n" "$PG_PORT" \
  >>"$D/pg/data/postgresql.conf"
su postgres -c "$PG_BIN/pg_ctl -D '$D/pg/data' -l '$D/pg/pg.log' -w start" >/dev/null
PG_STARTED=1
PG_PID=$(head -1 "$D/pg/data/postmaster.pid")
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE crm_bench'
PG_VERSION=$("${PSQL[@]}" -d crm_bench -Atc 'SHOW server_version')
log "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT, postmaster pid $PG_PID, data in $D/pg/data"

# ---------------------------------------------------------------- 2. Rapport: build, migrate, seed
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  log "cargo build --release -p rapport (in $REPO)"
  (cd "$REPO" && cargo build --release -p rapport)
fi
[[ -x $BIN ]] || die "no Rapport binary at $BIN"
# From the temp dir, so that no rapport.toml lying in the checkout changes the configuration.
rapport_env=(env RAPPORT_DATABASE_URL="$DB_URL" RAPPORT_DATA_DIR="$D/rapport-data")
(cd "$D" && "${rapport_env[@]}" "$BIN" migrate) >"$D/migrate.log" 2>&1 ||
  { cat "$D/migrate.log" >&2; die "rapport migrate failed"; }
log "seeding $COMPANIES companies, $CONTACTS contacts, $ACTIVITIES activities"
t0=$SECONDS
(cd "$D" && "${rapport_env[@]}" "$BIN" seed --companies "$COMPANIES" --contacts "$CONTACTS" \
  --activities "$ACTIVITIES") >"$D/seed.out" 2>"$D/seed.log" || { cat "$D/seed.out" >&2; die "rapport seed failed"; }
log "seeded in $((SECONDS - t0))s"
WS=$(sed -n 's/^Workspace id:[[:space:]]*\([0-9a-fA-F-]\{36\}\)[[:space:]]*$/\1/p' "$D/seed.out" | head -1)
KEY=$(sed -n 's/^API key:[[:space:]]*\([^[:space:]]\{1,\}\)[[:space:]]*$/\1/p' "$D/seed.out" | head -1)
[[ -n $WS ]] || { cat "$D/seed.out" >&2; die "no 'Workspace id: <uuid>' line in the seed output"; }
[[ -n $KEY ]] || { sed 's/^\(API key:\).*/\1 …/' "$D/seed.out" >&2; die "no 'API key: <secret>' line in the seed output"; }
# --id-max must be the real number range: check it instead of trusting it.
read -r n_min n_max n_count < <("${PSQL[@]}" -d crm_bench -AtF ' ' -c \
  "SELECT min(number), max(number), count(*) FROM contacts WHERE workspace_id = '$WS'")
[[ $n_min == 1 && $n_max == "$CONTACTS" && $n_count == "$CONTACTS" ]] ||
  die "contacts in workspace $WS: numbers $n_min..$n_max, $n_count rows; expected 1..$CONTACTS"
"${PSQL[@]}" -d crm_bench -c 'VACUUM ANALYZE' -c 'CHECKPOINT'
ROWS=$("${PSQL[@]}" -d crm_bench -AtF ' ' -c \
  "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM contacts), (SELECT count(*) FROM activities)")
log "workspace $WS; companies contacts activities: $ROWS; size $("${PSQL[@]}" -d crm_bench -Atc \
  "SELECT pg_size_pretty(pg_database_size('crm_bench'))")"

# ---------------------------------------------------------------- 3. both servers
# PostGraphile introspects at start-up, so it starts after the migrations.
"$HERE/postgraphile.sh" start "$DB_URL" "$PGL_PORT" >&2
PGL_STARTED=1
PGL_PID=$(cat "$BENCH_CACHE/run/postgraphile-$PGL_PORT.pid")

# Both servers with a pool of 10 connections: PostGraphile's (node-postgres' default) and Rapport's
# default. More backends than cores only make them compete (docs/BENCHMARKS.md, pool sizes).
(cd "$D" && exec env RAPPORT_DATABASE_URL="$DB_URL" RAPPORT_DATA_DIR="$D/rapport-data" RAPPORT_MODE=api \
  RAPPORT_ENV=production RAPPORT_LISTEN=127.0.0.1:$RAPPORT_PORT RAPPORT_DATABASE_MAX_CONNECTIONS=10 \
  RAPPORT_LOG=warn "$BIN" </dev/null >"$D/rapport.log" 2>&1) &
RAPPORT_PID=$!
deadline=$((SECONDS + 60))
until curl -sf -m 2 -o /dev/null "http://127.0.0.1:$RAPPORT_PORT/healthz"; do
  kill -0 "$RAPPORT_PID" 2>/dev/null || die "Rapport exited during start-up (log: $D/rapport.log)"
  ((SECONDS < deadline)) || die "Rapport did not answer /healthz within 60s"
  sleep 0.3
done
log "Rapport pid $RAPPORT_PID on http://127.0.0.1:$RAPPORT_PORT/graphql"

# ---------------------------------------------------------------- 4. bodies, same-rows check, load
# Same rows, same fields, same page sizes. PostGraphile's bodies are the ones checked against
# PostGraphile 5.1.5's own introspection: it names the primary key rowId, the lookup by the unique
# (workspace_id, number) unique index through `condition` (PostGraphile makes `…ByWorkspaceIdAndNumber`
# lookups only from unique constraints, and Rapport's migrations create unique indexes), and BigInt travels as a string.
# Its orderBy enums offer only indexed columns (NAME_*, OCCURRED_AT_*, ...). It appends the
# primary key to a non-unique order by itself (SQL: ORDER BY name ASC, id ASC / occurred_at DESC,
# id DESC); the explicit PRIMARY_KEY_* below spells that out and yields the same SQL. The
# workspaceId condition on activities lets PostgreSQL use the (workspace_id, contact_id,
# occurred_at) index; without it PostGraphile's `contact_id = …` alone is a sequential scan.
# Both servers answer in the same shape, a connection's `nodes` (no edges, no cursors): until
# 2026-12-06 04:00 Rapport's bodies asked for `edges { node }`, 50 more objects per page than
# PostGraphile builds (docs/BENCHMARKS.md has figures for both shapes).
B=$D/bodies
cat >"$B/rapport_a.json" <<'JSON'
{"query":"{ contacts(first: 50, orderBy: [{ field: NAME, direction: ASC }]) { nodes { id name company { name } } } }"}
JSON
cat >"$B/rapport_b.json" <<'JSON'
{"query":"query($n: Int!) { contactByNumber(number: $n) { id name activities(first: 20) { nodes { id kind subject occurredAt } } } }","variables":{"n":__ID__}}
JSON
cat >"$B/pgl_a.json" <<JSON
{"query":"{ allContacts(first: 50, orderBy: [NAME_ASC, PRIMARY_KEY_ASC], condition: { workspaceId: \"$WS\" }) { nodes { rowId name companyByCompanyId { name } } } }"}
JSON
cat >"$B/pgl_b.json" <<JSON
{"query":"query(\$n: BigInt!) { allContacts(first: 1, condition: { workspaceId: \"$WS\", number: \$n }) { nodes { rowId name activitiesByContactId(first: 20, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC], condition: { workspaceId: \"$WS\" }) { nodes { rowId kind subject occurredAt } } } } }","variables":{"n":"__ID__"}}
JSON

RAPPORT_URL=http://127.0.0.1:$RAPPORT_PORT/graphql PGL_URL=http://127.0.0.1:$PGL_PORT/graphql
AUTH="Authorization: Bearer $KEY"
# post URL BODY ID [HEADER] -> the response body (any HTTP status)
post() {
  local hdr=()
  [[ -n ${4:-} ]] && hdr=(-H "$4")
  sed "s/__ID__/$3/g" "$2" | curl -s -m 30 -H 'Content-Type: application/json' "${hdr[@]}" --data-binary @- "$1"
}
# The ids differ in kind (Rapport's own id, PostGraphile's rowId uuid), so the check compares what
# both must agree on: names and company names in order (a); the contact's name and its activities'
# kind and subject in order (b). One mismatch stops the run (BENCH_ALLOW_MISMATCH=1 goes on).
same_rows() { # LABEL JQ_RAPPORT JQ_PGL RAPPORT_BODY PGL_BODY ID
  local r p
  r=$(post "$RAPPORT_URL" "$4" "$6" "$AUTH" | jq -c "$2" 2>/dev/null) || r="(not JSON or no such fields)"
  p=$(post "$PGL_URL" "$5" "$6" | jq -c "$3" 2>/dev/null) || p="(not JSON or no such fields)"
  if [[ $r == "$p" && $r != null && $r != "[]" ]]; then
    log "same rows, $1 (id $6): ${r:0:100}..."
  else
    log "DIFFERENT ROWS, $1 (id $6):"
    log "  Rapport:      ${r:0:400}"
    log "  PostGraphile: ${p:0:400}"
    [[ ${BENCH_ALLOW_MISMATCH:-0} == 1 ]] || { log "(BENCH_ALLOW_MISMATCH=1 goes on anyway)"; exit 2; }
  fi
}
same_rows "query a" '[.data.contacts.nodes[] | [.name, .company.name]]' \
  '[.data.allContacts.nodes[] | [.name, .companyByCompanyId.name]]' "$B/rapport_a.json" "$B/pgl_a.json" 1
for id in 1 $(((CONTACTS + 1) / 2)) "$CONTACTS"; do
  same_rows "query b" '.data.contactByNumber | [.name, [.activities.nodes[] | [.kind, .subject]]]' \
    '.data.allContacts.nodes[0] | [.name, [.activitiesByContactId.nodes[] | [.kind, .subject]]]' \
    "$B/rapport_b.json" "$B/pgl_b.json" "$id"
done

{
  echo "## Rapport vs PostGraphile, $(date -u '+%F %H:%M UTC')"
  echo
  echo "- Rapport $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), release build," \
    "RAPPORT_MODE=api RAPPORT_ENV=production RAPPORT_DATABASE_MAX_CONNECTIONS=10 RAPPORT_LOG=warn"
  echo "- PostGraphile 5.1.5 (amber preset, NODE_ENV=production) on Node 22.23.3, via postgraphile.sh"
  echo "- PostgreSQL $PG_VERSION, shared_buffers 1GB, max_connections 200; one workspace seeded by" \
    "\`rapport seed --companies $COMPANIES --contacts $CONTACTS --activities $ACTIVITIES\`" \
    "(companies contacts activities: $ROWS)"
  echo "- A = Rapport (with \`Authorization: Bearer <seeded API key>\`), B = PostGraphile; command: \`bash .ci/bench/run.sh\`"
  echo
  echo "Bodies (workspace id as seeded):"
  echo
  for f in rapport_a pgl_a rapport_b pgl_b; do echo "    $f.json  $(cat "$B/$f.json")"; done
  echo
} >"$OUT"

RC=0
compare() { # NAME SUFFIX
  local rc=0
  # shellcheck disable=SC2086 # BENCH_COMPARE_ARGS is a list of options
  "$HERE/compare.sh" --name "$1" ${BENCH_COMPARE_ARGS:-} \
    --a "$RAPPORT_URL" --body-a "$B/rapport_$2.json" --header-a "$AUTH" --pids-a "$RAPPORT_PID" \
    --b "$PGL_URL" --body-b "$B/pgl_$2.json" --pids-b "$PGL_PID" \
    --pg-pid "$PG_PID" --conc "$CONC" --duration "$DURATION" --warmup "$WARMUP" --rounds "$ROUNDS" \
    --id-max "$CONTACTS" --csv "$CSV" | tee -a "$OUT" || rc=$?
  echo >>"$OUT"
  if ((rc > RC)); then RC=$rc; fi
}
compare "a: first 50 contacts by name, with company name" a
compare "b: one contact by random number, with its last 20 activities" b

log "results: $OUT (Markdown), $CSV (CSV rows)"
exit "$RC"
