#!/usr/bin/env bash
# compare.sh: two GraphQL endpoints under the same wrk load, side by side, on this machine.
#
# Rapport's copy of shared/bench/compare.sh. The one change: --header-a / --header-b 'Name: value'
# add one request header per side (Rapport needs 'Authorization: Bearer <api key>'). It goes to the
# body check's curl and, through the GQL_HEADER environment variable, to gql-load.lua in wrk. The
# Markdown notes the header's name, never its value. Everything else is as in shared/bench.
#
#   compare.sh --name NAME --a URL_A --body-a FILE --b URL_B --body-b FILE
#              [--conc 16,64] [--duration 15] [--warmup 3] [--rounds 3]
#              [--pids-a PID[,PID..]] [--pids-b PID[,PID..]] [--pg-pid POSTMASTER_PID]
#              [--csv FILE] [--threads 2] [--timeout 5] [--id-max 100000]
#              [--max-other 0.25] [--retries 2] [--idle-wait 60]
#              [--header-a 'Name: value'] [--header-b 'Name: value']
#
# For each concurrency and round: warm-up (discarded), then a measured wrk run on A and on B; the
# order alternates each round (AB, BA, AB, ...). gql-load.lua (next to this script) checks every
# body: a run with any bad response (not 200, or GraphQL "errors") or socket error is NOT counted
# and is reported loudly; the script then exits with status 3 after printing the tables.
#
# CPU per run, from procfs, over the measured run only:
#   server = utime+stime of the given pids and all their descendants, plus what they reaped
#            (cutime+cstime), so worker processes that exit during the run still count;
#   pg     = the same for the postmaster tree (backends come and go);
#   wrk    = the load generator itself (GNU time);
#   other  = the machine's busy time (user+nice+system+irq+softirq) minus server, pg and wrk:
#            anything else that ran. A kernel built without CONFIG_IRQ_TIME_ACCOUNTING charges
#            interrupt time to the interrupted process, so loopback TCP softirq lands mostly in
#            server/pg/wrk; with it, softirq lands in other. irq+softirq alone is in the CSV.
#            Tick sampling makes other jitter by a few hundredths of a core, also below zero.
# Cores = CPU seconds / wall seconds. A run with other > --max-other cores is disturbed: it is
# retried (--retries times) and the least disturbed attempt kept. Before each run the script waits
# (up to --idle-wait s) for the machine to be idle (busy <= --max-other cores).
#
# Output: Markdown tables on stdout (medians over counted runs, ratio = A rps / B rps), progress
# on stderr, one CSV row per run appended to --csv FILE if given. Traffic: loopback URLs only.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LUA=$SCRIPT_DIR/gql-load.lua

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
die() { echo "compare.sh: $*" >&2; exit 2; }
log() { echo "$*" >&2; }

NAME="" URL_A="" URL_B="" BODY_A="" BODY_B="" PIDS_A="" PIDS_B="" PG_PID="" CSV="" HEADER_A="" HEADER_B=""
CONC=16,64 DURATION=15 WARMUP=3 ROUNDS=3 THREADS=2 TIMEOUT=5 ID_MAX=${ID_MAX:-100000}
MAX_OTHER=0.25 RETRIES=2 IDLE_WAIT=60
while (($#)); do
  (($# >= 2)) || usage
  case $1 in
    --name) NAME=$2 ;; --a) URL_A=$2 ;; --b) URL_B=$2 ;; --body-a) BODY_A=$2 ;; --body-b) BODY_B=$2 ;;
    --conc) CONC=$2 ;; --duration) DURATION=$2 ;; --warmup) WARMUP=$2 ;; --rounds) ROUNDS=$2 ;;
    --pids-a) PIDS_A=$2 ;; --pids-b) PIDS_B=$2 ;; --pg-pid) PG_PID=$2 ;; --csv) CSV=$2 ;;
    --threads) THREADS=$2 ;; --timeout) TIMEOUT=$2 ;; --id-max) ID_MAX=$2 ;;
    --max-other) MAX_OTHER=$2 ;; --retries) RETRIES=$2 ;; --idle-wait) IDLE_WAIT=$2 ;;
    --header-a) HEADER_A=$2 ;; --header-b) HEADER_B=$2 ;;
    *) usage ;;
  esac
  shift 2
done

# ---------------------------------------------------------------- checks and tools
[[ -n $NAME && -n $URL_A && -n $URL_B && -n $BODY_A && -n $BODY_B ]] || usage
for u in "$URL_A" "$URL_B"; do
  [[ $u =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?(/|$) ]] ||
    die "only loopback http URLs are allowed (127.x.x.x, localhost, [::1]): $u"
done
for f in "$BODY_A" "$BODY_B" "$LUA"; do [[ -r $f ]] || die "cannot read $f"; done
BODY_A=$(realpath "$BODY_A") BODY_B=$(realpath "$BODY_B")
for n in "$DURATION" "$WARMUP" "$ROUNDS" "$THREADS" "$TIMEOUT" "$ID_MAX" "$RETRIES" "$IDLE_WAIT"; do
  [[ $n =~ ^[0-9]+$ ]] || die "not a whole number: $n"
done
[[ $CONC =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--conc wants a list like 16,64"
[[ $MAX_OTHER =~ ^[0-9]*\.?[0-9]+$ ]] || die "--max-other wants a number of cores"
((DURATION > 0 && ROUNDS > 0 && THREADS > 0)) || die "duration, rounds and threads must be > 0"
for h in "$HEADER_A" "$HEADER_B"; do
  [[ -z $h || $h =~ ^[A-Za-z0-9-]+:[[:space:]]*[^[:space:]] && $h != *$'\n'* && $h != *$'\r'* ]] ||
    die "--header-a/--header-b want one line 'Name: value'"
done
for p in ${PIDS_A//,/ } ${PIDS_B//,/ } $PG_PID; do
  [[ $p =~ ^[0-9]+$ && -d /proc/$p ]] || die "no such process: $p"
done

# Debian package for each missing tool (wrk, GNU time, curl).
need=()
command -v wrk >/dev/null || need+=(wrk)
[[ -x /usr/bin/time ]] || need+=(time)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  log "installing ${need[*]} with apt-get"
  ((EUID == 0)) || die "need root to apt-get install ${need[*]}"
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- body check before any load
# One request per endpoint (__ID__ -> 1): it must be 200 with data and without errors. Sizes are
# printed so that bodies asking for different data stand out.
precheck() { # LABEL URL BODY [HEADER]
  local code hdr=()
  [[ -n ${4:-} ]] && hdr=(-H "$4")
  sed 's/__ID__/1/g' "$3" >"$TMP/pre.json"
  code=$(curl -s -m 30 -o "$TMP/pre.out" -w '%{http_code}' -H 'Content-Type: application/json' "${hdr[@]}" \
    --data-binary @"$TMP/pre.json" "$2") || code=000
  if [[ $code != 200 ]] || ! grep -q '"data"[[:space:]]*:' "$TMP/pre.out" ||
    grep -q '"errors"[[:space:]]*:' "$TMP/pre.out"; then
    log "compare.sh: $1 ($2) fails the body check with $3: HTTP $code"
    head -c 600 "$TMP/pre.out" >&2; echo >&2
    exit 2
  fi
  log "body check $1: HTTP 200, $(wc -c <"$TMP/pre.out") bytes, no errors: $(head -c 120 "$TMP/pre.out")..."
}
precheck A "$URL_A" "$BODY_A" "$HEADER_A"
precheck B "$URL_B" "$BODY_B" "$HEADER_B"

# ---------------------------------------------------------------- CPU accounting from procfs
# Machine: "busy irq" ticks, busy = user+nice+system+irq+softirq, irq = irq+softirq (first line of
# /proc/stat: cpu user nice system idle iowait irq softirq steal ...).
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $7 + $8; exit }' /proc/stat; }

# Ticks of the process trees under the comma-separated ROOTS: for every live process in the
# trees utime+stime+cutime+cstime (fields 14-17 of /proc/PID/stat). cutime covers children that
# have exited and been reaped, so nothing is lost and nothing counted twice. Empty ROOTS -> "".
tree_ticks() {
  [[ -n $1 ]] || { echo ""; return; }
  # cat may race with exiting processes: ignore its complaints, keep what it read.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="$1" '
    { pid = $1; rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")   # drop "pid (comm) "
      parent[pid] = f[2]; ticks[pid] = f[12] + f[13] + f[14] + f[15] }
    END {
      n = split(roots, r, ","); for (i = 1; i <= n; i++) if (r[i] in parent) inside[r[i]] = 1
      do { grew = 0                                   # add children of members until stable
        for (p in parent) if (!(p in inside) && (parent[p] in inside)) { inside[p] = 1; grew = 1 }
      } while (grew)
      s = 0; for (p in inside) s += ticks[p]; print s }'
}

alive() { local p; for p in ${1//,/ }; do [[ -d /proc/$p ]] || return 1; done; }

# Whole-machine busy cores over one second.
busy_cores() {
  local a b
  read -r a _ < <(machine_ticks)
  sleep 1
  read -r b _ < <(machine_ticks)
  awk -v a="$a" -v b="$b" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz }'
}

wait_idle() {
  local start=$SECONDS c said=0
  while :; do
    c=$(busy_cores)
    if awk -v c="$c" -v m="$MAX_OTHER" 'BEGIN { exit !(c <= m) }'; then
      ((said)) && log "  machine idle after $((SECONDS - start))s"
      return 0
    fi
    if ((SECONDS - start >= IDLE_WAIT)); then
      log "  WARNING: machine still busy ($c cores) after ${IDLE_WAIT}s; measuring anyway"
      return 0
    fi
    ((said)) || { log "  waiting for an idle machine (busy $c cores > $MAX_OTHER)"; said=1; }
  done
}

# ---------------------------------------------------------------- one measured run
# measure URL BODY PIDS CONC [HEADER] -> one TSV line on stdout with the fields
#   1 rps  2 p50  3 p90  4 p99  5 max  6 requests  7 bad  8 sockerr  9 wall_s
#   10 server_s  11 pg_s  12 wrk_s  13 other_s  14 irq_s  15 reason ("ok" if the run counts)
measure() {
  local url=$1 body=$2 pids=$3 conc=$4 threads=$THREADS header=${5:-}
  ((threads > conc)) && threads=$conc
  local wrk_args=(-t"$threads" -c"$conc" --timeout "${TIMEOUT}s" -s "$LUA" "$url" -- "$body" "$ID_MAX")
  wait_idle
  if ((WARMUP > 0)); then
    GQL_HEADER=$header wrk -d"${WARMUP}s" "${wrk_args[@]}" >"$TMP/warm.out" 2>&1 || true
  fi
  local s0 p0 m0 i0 t0 s1 p1 m1 i1 t1 rc=0 reason=ok
  s0=$(tree_ticks "$pids") p0=$(tree_ticks "$PG_PID")
  read -r m0 i0 < <(machine_ticks)
  t0=$(date +%s.%N)
  GQL_HEADER=$header /usr/bin/time -f '%U %S' -o "$TMP/wrk.time" wrk -d"${DURATION}s" "${wrk_args[@]}" >"$TMP/wrk.out" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  read -r m1 i1 < <(machine_ticks)
  s1=$(tree_ticks "$pids") p1=$(tree_ticks "$PG_PID")
  local result
  result=$(grep '^RESULT ' "$TMP/wrk.out" || true)
  if [[ -z $result || $rc != 0 ]]; then
    reason="wrk failed (exit $rc)"; result="RESULT rps=0 requests=0 bad=0 sockerr=0"
    tail -5 "$TMP/wrk.out" >&2
  fi
  alive "$pids" || reason="server process gone"
  if grep -q '^BAD_SAMPLE ' "$TMP/wrk.out"; then grep '^BAD_SAMPLE ' "$TMP/wrk.out" | head -c 400 >&2; echo >&2; fi
  # Everything numeric is done by one awk: parse RESULT key=value pairs, turn ticks into seconds.
  awk -v res="$result" -v t0="$t0" -v t1="$t1" -v hz="$CLK_TCK" -v reason="$reason" \
    -v s0="$s0" -v s1="$s1" -v p0="$p0" -v p1="$p1" -v m0="$m0" -v m1="$m1" -v i0="$i0" -v i1="$i1" \
    -v wrkcpu="$(tail -1 "$TMP/wrk.time" 2>/dev/null)" '
    BEGIN {
      n = split(res, kv, " "); for (i = 2; i <= n; i++) { split(kv[i], x, "="); v[x[1]] = x[2] }
      split(wrkcpu, w, " "); wrk_s = w[1] + w[2]
      server_s = (s0 == "") ? "" : sprintf("%.3f", (s1 - s0) / hz)
      pg_s = (p0 == "") ? "" : sprintf("%.3f", (p1 - p0) / hz)
      other_s = (m1 - m0) / hz - server_s - pg_s - wrk_s
      if (reason == "ok" && v["requests"] + 0 == 0) reason = "no requests completed"
      if (reason == "ok" && v["bad"] + v["sockerr"] > 0)
        reason = sprintf("%d bad responses, %d socket errors", v["bad"], v["sockerr"])
      gsub(/\t/, " ", reason)
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\n",
        v["rps"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["requests"], v["bad"],
        v["sockerr"], t1 - t0, server_s, pg_s, wrk_s, other_s, (i1 - i0) / hz, reason
    }'
}

# ---------------------------------------------------------------- the matrix
RUNS=$TMP/runs.tsv # conc round order server attempts counted, then measure's 15 fields
: >"$RUNS"
REJECTED=()
if [[ -n $CSV && ! -s $CSV ]]; then
  echo "date,name,conc,round,order,server,url,body,attempts,counted,reason,rps,p50_ms,p90_ms,p99_ms,max_ms,requests,bad,sockerr,wall_s,server_cpu_s,pg_cpu_s,wrk_cpu_s,other_cpu_s,irq_cpu_s,server_cores,pg_cores,wrk_cores,other_cores,irq_cores,server_cpu_ms_per_req" >"$CSV"
fi

nconc=$(tr ',' '\n' <<<"$CONC" | wc -l)
log "compare '$NAME': ${nconc} concurrencies x $ROUNDS rounds x 2 servers, ${WARMUP}s warm-up + ${DURATION}s each:" \
  "at least $((nconc * ROUNDS * 2 * (WARMUP + DURATION + 1)))s"
[[ -z $PG_PID ]] && log "note: no --pg-pid, so PostgreSQL's CPU (if any) is inside 'other' and makes runs look" \
  "disturbed: pass --pg-pid, or --retries 0"
[[ -z $PIDS_A || -z $PIDS_B ]] && log "note: without --pids-a/--pids-b that server's CPU is inside 'other'"

run_server() { # CONC ROUND ORDER LABEL
  local conc=$1 round=$2 order=$3 label=$4 url body pids header line best="" best_other attempt other
  if [[ $label == A ]]; then url=$URL_A body=$BODY_A pids=$PIDS_A header=$HEADER_A; else url=$URL_B body=$BODY_B pids=$PIDS_B header=$HEADER_B; fi
  for ((attempt = 1; attempt <= RETRIES + 1; attempt++)); do
    line=$(measure "$url" "$body" "$pids" "$conc" "$header")
    other=$(cut -f13 <<<"$line")
    other=$(awk -v o="$other" -v w="$(cut -f9 <<<"$line")" 'BEGIN { printf "%.3f", o / w }')
    if [[ -z $best ]] || awk -v a="$other" -v b="$best_other" 'BEGIN { exit !(a < b) }'; then
      best=$line best_other=$other
    fi
    # A bad run is the server's fault, not noise: no retry. A disturbed one is retried.
    [[ $(cut -f15 <<<"$line") != ok ]] && break
    awk -v o="$other" -v m="$MAX_OTHER" 'BEGIN { exit !(o > m) }' || break
    ((attempt <= RETRIES)) && log "  [c=$conc round $round $label] disturbed: other = $other cores > $MAX_OTHER, retrying"
  done
  ((attempt > RETRIES + 1)) && attempt=$((RETRIES + 1))
  local reason counted=1
  reason=$(cut -f15 <<<"$best")
  if [[ $reason != ok ]]; then
    counted=0
    REJECTED+=("c=$conc round $round $label ($url): $reason")
    log "!!!!!!!! RUN NOT COUNTED: c=$conc round $round server $label: $reason !!!!!!!!"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$conc" "$round" "$order" "$label" "$attempt" "$counted" "$best" >>"$RUNS"
  # Progress line and CSV row (cores = cpu seconds / wall seconds; ms/req = server ms per request).
  awk -F'\t' -v name="$NAME" -v url="$url" -v body="$body" -v csv="$CSV" -v date="$(date -u +%FT%TZ)" '
    function c(x) { return x == "" ? "" : sprintf("%.3f", x / $15) }
    {
      srv = $16 == "" ? "-" : sprintf("%.2f", $16 / $15); pg = $17 == "" ? "-" : sprintf("%.2f", $17 / $15)
      printf "[c=%s round %s %s] %.0f req/s, p50 %.1f ms, p99 %.1f ms, bad %d | cores: server %s, pg %s, wrk %.2f, other %.2f, irq %.2f%s\n",
        $1, $2, $4, $7, $8, $10, $13, srv, pg, $18 / $15, $19 / $15, $20 / $15, ($6 == 1 ? "" : "  NOT COUNTED") > "/dev/stderr"
      if (csv != "") {
        msreq = ($16 == "" || $12 == 0) ? "" : sprintf("%.3f", 1000 * $16 / $12)
        printf "%s,\"%s\",%s,%s,%s,%s,\"%s\",\"%s\",%s,%s,\"%s\",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
          date, name, $1, $2, $3, $4, url, body, $5, $6, $21, $7, $8, $9, $10, $11, $12, $13, $14, $15,
          $16, $17, $18, $19, $20, c($16), c($17), c($18), c($19), c($20), msreq >> csv
      }
    }' <<<"$(tail -1 "$RUNS")"
}

for conc in ${CONC//,/ }; do
  for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=AB; else order=BA; fi
    run_server "$conc" "$round" "$order" "${order:0:1}"
    run_server "$conc" "$round" "$order" "${order:1:1}"
  done
done

# ---------------------------------------------------------------- Markdown summary
# Medians over counted runs; "(min–max)" for req/s; ratio = median A rps / median B rps, plus the
# range of the per-round ratios (A and B measured back to back, so less exposed to drift).
{
  echo "### $NAME (ratio = A rps / B rps)"
  echo
  echo "- A: $URL_A, body \`$(basename "$BODY_A")\`${PIDS_A:+, server pids $PIDS_A}${HEADER_A:+, header ${HEADER_A%%:*}}"
  echo "- B: $URL_B, body \`$(basename "$BODY_B")\`${PIDS_B:+, server pids $PIDS_B}${HEADER_B:+, header ${HEADER_B%%:*}}"
  echo "- $(date -u '+%F %H:%M UTC'), $(nproc) cores, wrk -t$THREADS --timeout ${TIMEOUT}s, ${WARMUP}s warm-up +" \
    "${DURATION}s measured, $ROUNDS rounds (order alternates), medians of counted runs (bad = 0)${PG_PID:+, PostgreSQL postmaster $PG_PID}"
  echo
} >"$TMP/head.md"
awk -F'\t' -v conc_list="$CONC" -v max_other="$MAX_OTHER" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " "); if (n == 0) return ""
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function minmax(list,   a, n, i, lo, hi) {
    n = split(list, a, " "); lo = hi = a[1] + 0
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
    return sprintf("%.0f–%.0f", lo, hi)
  }
  function add(k, v) { L[k] = (k in L) ? L[k] " " v : v }
  function f(x, fmt) { return x == "" ? "—" : sprintf(fmt, x) }
  { key = $1 SUBSEP $4; total[key]++
    if ($6 != 1) next
    n[key]++; w = $15; if ($19 / w > max_other) disturbed[key]++
    add(key SUBSEP "rps", $7); add(key SUBSEP "p50", $8); add(key SUBSEP "p99", $10)
    add(key SUBSEP "wrk", $18 / w); add(key SUBSEP "other", $19 / w)
    if ($16 != "") { add(key SUBSEP "srv", $16 / w); if ($12 > 0) add(key SUBSEP "msreq", 1000 * $16 / $12) }
    if ($17 != "") add(key SUBSEP "pg", $17 / w)
    rps[$1 SUBSEP $2 SUBSEP $4] = $7 }
  END {
    print "| conc | server | runs | req/s median (min–max) | p50 ms | p99 ms | server cores | server CPU ms/req | PG cores | wrk cores | other cores |"
    print "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    nc = split(conc_list, cl, ",")
    for (i = 1; i <= nc; i++) for (s = 1; s <= 2; s++) {
      c = cl[i]; srv = (s == 1) ? "A" : "B"; key = c SUBSEP srv
      if (!(key in n)) { printf "| %s | %s | 0/%d | no counted run | | | | | | | |\n", c, srv, total[key]; continue }
      printf "| %s | %s | %d/%d%s | %.0f (%s) | %.1f | %.1f | %s | %s | %s | %.2f | %.2f |\n", c, srv, n[key], total[key],
        (key in disturbed) ? sprintf(", %d disturbed", disturbed[key]) : "",
        median(L[key SUBSEP "rps"]), minmax(L[key SUBSEP "rps"]), median(L[key SUBSEP "p50"]),
        median(L[key SUBSEP "p99"]), f(median(L[key SUBSEP "srv"]), "%.2f"), f(median(L[key SUBSEP "msreq"]), "%.2f"),
        f(median(L[key SUBSEP "pg"]), "%.2f"), median(L[key SUBSEP "wrk"]), median(L[key SUBSEP "other"])
    }
    print ""
    print "| conc | A req/s | B req/s | ratio = A rps / B rps | per-round ratios (min–max) | A p99 ms | B p99 ms |"
    print "|---:|---:|---:|---:|---|---:|---:|"
    for (i = 1; i <= nc; i++) {
      c = cl[i]; ka = c SUBSEP "A"; kb = c SUBSEP "B"
      if (!(ka in n) || !(kb in n)) { printf "| %s | | | n/a (a side has no counted run) | | | |\n", c; continue }
      ra = median(L[ka SUBSEP "rps"]); rb = median(L[kb SUBSEP "rps"]); lo = ""; hi = ""
      for (k in rps) { split(k, p, SUBSEP)
        if (p[1] == c && p[3] == "A" && ((c SUBSEP p[2] SUBSEP "B") in rps) && rps[c SUBSEP p[2] SUBSEP "B"] > 0) {
          r = rps[k] / rps[c SUBSEP p[2] SUBSEP "B"]; if (lo == "" || r < lo) lo = r; if (hi == "" || r > hi) hi = r } }
      printf "| %s | %.0f | %.0f | **%.2f** | %s | %.1f | %.1f |\n", c, ra, rb, (rb > 0 ? ra / rb : 0),
        (lo == "" ? "—" : sprintf("%.2f–%.2f", lo, hi)), median(L[ka SUBSEP "p99"]), median(L[kb SUBSEP "p99"])
    }
  }' "$RUNS" >"$TMP/body.md"
cat "$TMP/head.md" "$TMP/body.md"
[[ -n $CSV ]] && log "CSV rows appended to $CSV"

if ((${#REJECTED[@]})); then
  {
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! ${#REJECTED[@]} run(s) NOT COUNTED: bad responses or errors. The tables exclude them."
    printf '!!!   %s\n' "${REJECTED[@]}"
    echo "!!! Check the bodies with curl; fix the server or the body; run again."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  } >&2
  exit 3
fi
