# shellcheck shell=bash
#
# Shared by bench/run and the benchmarks it calls (bench/intake.sh, bench/reads.sh,
# bench/startup.sh --ready). Source it from the repository root, after deploy/env.sh.
#
# Every benchmark prints markdown table rows, one per figure:
#   | target | figure | measured | baseline (same run) | ratio | target | met |
# and its raw tool output to stderr (bench/run keeps both under bench/evidence/).
#
# Settings (environment):
#   BENCH_SECONDS=15       length of one measurement
#   BENCH_WARMUP=10        seconds of load on a path before it is measured (JIT, pools)
#   BENCH_CONNECTIONS=16   wrk's connections for the maximum-throughput figures (closed loop)
#   BENCH_JFR=DIR          record the gateway with JFR (profile settings) during the measurements
#                          that call jfr_start/jfr_stop, into DIR/<name>.jfr (summary: bench/jfr-top.sh)

# shellcheck source=../reliability/lib.sh
source reliability/lib.sh

: "${BENCH_SECONDS:=15}"
: "${BENCH_WARMUP:=10}"
: "${BENCH_CONNECTIONS:=16}"
readonly BENCH_BODY='{"prompt":"Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.","config":{"max_agents":1}}'
BENCH_TMP=$(mktemp -d)
BENCH_OWNS_STACK=false

# bench_tools: wrk (Debian) for maximum throughput; bench/OpenLoad.java (JDK) for open-model latency.
bench_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    ((EUID == 0)) || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
  fi
  # One compile of the load generator, reused by every measurement.
  mkdir -p "$BENCH_TMP/classes"
  javac -d "$BENCH_TMP/classes" bench/OpenLoad.java
  cat >"$BENCH_TMP/wrk.lua" <<'LUA'
-- wrk's request: method from WRK_METHOD, body from the file WRK_BODY_FILE (if set)
wrk.method = os.getenv("WRK_METHOD") or "GET"
local path = os.getenv("WRK_BODY_FILE")
if path and path ~= "" then
  local f = assert(io.open(path, "rb")); wrk.body = f:read("*a"); f:close()
  wrk.headers["Content-Type"] = "application/json"
end
LUA
  printf '%s' "$BENCH_BODY" >"$BENCH_TMP/body.json"
}

# bench_stack: the stack of this checkout with the limits lifted and /bench/bare on; started here
# (and stopped at exit) unless a gateway with the bare endpoint already answers (bench/run's).
bench_stack() {
  local base="http://127.0.0.1:$MITEOS_GATEWAY_PORT"
  if curl -s -o /dev/null -m 2 "$base/q/health/live"; then
    curl -sf -o /dev/null -m 2 "$base/bench/bare" || {
      echo "a gateway answers on $MITEOS_GATEWAY_PORT without /bench/bare: ./miteos down first" >&2
      exit 1
    }
    readonly BASE=$base
    return
  fi
  export MITEOS_BENCH_BARE_ENDPOINT=true
  start_lifted_stack
  BENCH_OWNS_STACK=true
}

# bench_cleanup: stops what bench_stack started; removes the temporary files.
bench_cleanup() {
  [[ $BENCH_OWNS_STACK != true ]] || ./miteos down >/dev/null 2>&1 || true
  rm -rf "$BENCH_TMP"
}

# jfr_start NAME / jfr_stop: a JFR recording of the gateway (only with BENCH_JFR set).
jfr_start() {
  [[ -n ${BENCH_JFR:-} ]] || return 0
  mkdir -p "$BENCH_JFR"
  jcmd "$(<.miteos/pids/api-gateway.pid)" JFR.start name=bench settings=profile \
    filename="$(cd "$BENCH_JFR" && pwd -P)/$1.jfr" >/dev/null
}
jfr_stop() {
  [[ -n ${BENCH_JFR:-} ]] || return 0
  jcmd "$(<.miteos/pids/api-gateway.pid)" JFR.stop name=bench >/dev/null
}

# restart_component NAME: ./miteos restart NAME, tried three times (a loaded machine can miss a start-up timeout).
restart_component() {
  local attempt
  for attempt in 1 2 3; do
    ./miteos restart "$1" >&2 && return 0
    echo "# ./miteos restart $1 failed (attempt $attempt, load $(load_note))" >&2
  done
  return 1
}

# load_note: the machine's load average (1 min) now, for every figure on a shared machine.
load_note() { cut -d' ' -f1 /proc/loadavg; }

# wrk_max URL METHOD [HEADER...]: maximum throughput, closed loop (BENCH_CONNECTIONS): prints
# "req/s p50_ms p99_ms non2xx errors". POST sends BENCH_BODY. The warm-up is run first, not counted.
wrk_max() {
  local url=$1 method=$2 out
  shift 2
  local -a headers=()
  for h in "$@"; do headers+=(-H "$h"); done
  local body=''
  [[ $method != POST ]] || body="$BENCH_TMP/body.json"
  WRK_METHOD=$method WRK_BODY_FILE=$body wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" --timeout 10s \
    -s "$BENCH_TMP/wrk.lua" "${headers[@]}" "$url" >/dev/null 2>&1 || true
  out=$(WRK_METHOD=$method WRK_BODY_FILE=$body wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency --timeout 10s \
    -s "$BENCH_TMP/wrk.lua" "${headers[@]}" "$url" 2>&1)
  printf '# wrk %s %s (load %s)\n%s\n' "$method" "$url" "$(load_note)" "$out" >&2
  awk '
    function ms(v) { if (v ~ /us$/) return v * 0.001; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { err = $0; gsub(/[^0-9 ]/, "", err); split(err, e, " "); errs = e[1] + e[2] + e[3] + e[4] }
    END { printf "%.1f %.2f %.2f %d %d\n", rps, p50, p99, bad, errs }' <<<"$out"
}

# open_load URL METHOD RATE [HEADER...]: open-model latency at RATE requests/s (bench/OpenLoad.java),
# BENCH_WARMUP then BENCH_SECONDS: prints its one line (rate= sent= ok= non2xx= errors= late= p50_ms= …).
open_load() {
  local url=$1 method=$2 rate=$3 out
  shift 3
  local -a args=(--url "$url" --method "$method" --rate "$rate" --seconds "$BENCH_SECONDS" --warmup "$BENCH_WARMUP")
  for h in "$@"; do args+=(--header "$h"); done
  [[ $method != POST ]] || args+=(--body-file "$BENCH_TMP/body.json" --header 'Content-Type: application/json')
  out=$(java -Xmx256m -cp "$BENCH_TMP/classes" OpenLoad "${args[@]}" 2>&1)
  printf '# open load %s %s at %s/s (load %s)\n%s\n' "$method" "$url" "$rate" "$(load_note)" "$out" >&2
  tail -1 <<<"$out"
}

# field NAME LINE: the value of NAME=… in an open_load line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# row TARGET FIGURE MEASURED BASELINE RATIO TARGET_TEXT MET: one table row.
row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# met VALUE OP LIMIT: "met" or "not met" (OP is >= or <=).
met() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == ">=") ? (v >= l) : (v <= l); print (ok ? "met" : "**not met**") }'
}

# median NUMBER...: the median (the mean of the middle two for an even count); nothing for none.
median() {
  (($#)) || return 0
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}
