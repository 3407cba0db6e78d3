#!/usr/bin/env bash
#
# bench/rate-limit-cost.sh - what the shared rate limit costs: GET /v1/tasks/{id} requests per
# second through gateways that differ only in their rate-limit settings, measured in one run.
#
#   bench/rate-limit-cost.sh [rounds=3] [seconds=20]
#
#   COST_VARIANTS="shared:MITEOS_RATE_LIMIT_STORE=shared local:MITEOS_RATE_LIMIT_STORE=local"
#       one gateway instance per variant, <name>:<VAR=value>[,<VAR=value>…] (the default shown)
#   COST_WARMUP=15      seconds of load on each gateway before the first round (JIT, pools)
#   COST_CONNECTIONS=16 hey's connections (closed loop)
#   COST_KEYS=1         API keys the connections are shared out over (one hey each); 1 key lets
#                       Bucket4j batch its concurrent requests, 16 keys with 16 connections cost one
#                       transaction per request
#
# Starts the stack of this checkout with the rate limit lifted (20/s and a burst of 40 would refuse
# almost everything; a lifted bucket is still read and written on every request) and one gateway
# instance per variant (./miteos up --scale api-gateway=<variants>), restarts gateway k with
# variant k's settings, creates one sandbox task and waits until it is complete, then measures
# each gateway in turn with `hey`, round after round. Every gateway talks to the same task-service
# and PostgreSQL; only one is loaded at a time. Alternating in one run is what makes the figures
# comparable on a noisy 2-core machine; absolute numbers are not. Prints one line per measurement,
# then each variant's medians (requests per second, and the CPU time per request of its gateway and
# of PostgreSQL, steadier than throughput on a shared machine), and keeps it all in
# bench/evidence/rate-limit-cost-<UTC date>.txt.
#
# Run it with nothing of ours on the Miteos ports (the settings reach the services only when they
# start). It stops the stack at the end. Needs `hey` (Debian package).

set -euo pipefail

readonly ROUNDS=${1:-3}
readonly SECONDS_PER_RUN=${2:-20}
readonly WARMUP=${COST_WARMUP:-15}
readonly CONNECTIONS=${COST_CONNECTIONS:-16}
readonly KEYS=${COST_KEYS:-1}
read -r -a VARIANTS <<<"${COST_VARIANTS:-shared:MITEOS_RATE_LIMIT_STORE=shared local:MITEOS_RATE_LIMIT_STORE=local}"
readonly VARIANTS

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=../reliability/lib.sh
source reliability/lib.sh

command -v hey >/dev/null 2>&1 || { echo "hey is missing: apt-get install hey" >&2; exit 1; }
if curl -s -o /dev/null -m 2 "http://127.0.0.1:$MITEOS_GATEWAY_PORT/q/health/live"; then
  echo "a gateway already answers on port $MITEOS_GATEWAY_PORT: ./miteos down first (settings apply at start)" >&2
  exit 1
fi

readonly EVIDENCE="$ROOT/bench/evidence/rate-limit-cost-$(date -u +%Y%m%dT%H%MZ).txt"
mkdir -p "$(dirname "$EVIDENCE")"
exec > >(tee "$EVIDENCE") 2>&1
trap './miteos down >/dev/null 2>&1 || true' EXIT
commit=$(git rev-parse --short=12 HEAD)
[[ -z $(git status --porcelain --untracked-files=no) ]] || commit+=" (with uncommitted changes)"
echo "# bench/rate-limit-cost.sh $ROUNDS $SECONDS_PER_RUN; COST_VARIANTS=\"${VARIANTS[*]}\" COST_WARMUP=$WARMUP COST_CONNECTIONS=$CONNECTIONS COST_KEYS=$KEYS"
echo "# started $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

export MITEOS_SKIP_BUILD=${MITEOS_SKIP_BUILD:-false}
start_lifted_stack
./miteos scale "api-gateway=${#VARIANTS[@]}" >/dev/null

# gateway K: the instance name of gateway k.
gateway() { if (($1 == 1)); then echo api-gateway; else echo "api-gateway-$1"; fi; }
port_of() { echo $((MITEOS_GATEWAY_PORT + MITEOS_INSTANCE_PORT_STEP * ($1 - 1))); }

declare -a names=()
for k in $(seq "${#VARIANTS[@]}"); do
  spec=${VARIANTS[$((k - 1))]}
  names+=("${spec%%:*}")
  IFS=, read -r -a settings <<<"${spec#*:}"
  env "${settings[@]}" ./miteos restart "$(gateway "$k")" >/dev/null
  echo "gateway $k (port $(port_of "$k")): ${names[-1]}: ${settings[*]}"
done

token=$(<.miteos/demo-token)
auth="Authorization: Bearer $token"
task=$(curl -sf -X POST "$BASE/v1/tasks" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"prompt":"Compare three vector databases in a Markdown report.","config":{"max_agents":1}}' | json_value id)
for _ in $(seq 60); do
  curl -sf "$BASE/v1/tasks/$task" -H "$auth" | grep -q '"status" *: *"complete"' && break
  sleep 1
done
url_of() { echo "http://127.0.0.1:$(port_of "$1")/v1/tasks/$task"; }
# With COST_KEYS > 1, that many keys of a fresh account read a task of that account. One key with 16 connections lets Bucket4j
# batch concurrent requests into one transaction; 16 keys show the cost of a transaction per request.
tokens=("$token")
if ((KEYS > 1)); then
  admin=$(<.miteos/admin-token)
  account=$(curl -sf -X POST "$BASE/admin/v1/accounts" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
      -d '{"name":"rate-limit-cost"}' | json_value id)
  tokens=()
  for ((i = 0; i < KEYS; i++)); do
    tokens+=("$(curl -sf -X POST "$BASE/admin/v1/accounts/$account/keys" -H "Authorization: Bearer $admin" \
      -H 'Content-Type: application/json' -d '{"mode":"test"}' | json_value token)")
  done
  task=$(curl -sf -X POST "$BASE/v1/tasks" -H "Authorization: Bearer ${tokens[0]}" -H 'Content-Type: application/json' \
    -d '{"prompt":"Compare three vector databases in a Markdown report.","config":{"max_agents":1}}' | json_value id)
  sleep 5
fi


# load URL SECONDS: hey's output for CONNECTIONS connections over SECONDS; with COST_KEYS > 1, one hey
# per key (CONNECTIONS / keys connections each), their outputs concatenated: the counts add up, and
# the summed Requests/sec line comes last.
load() {
  if ((${#tokens[@]} == 1)); then
    hey -z "${2}s" -c "$CONNECTIONS" -H "Authorization: Bearer ${tokens[0]}" "$1"
    return
  fi
  local dir t i=0
  local -a pids=()
  dir=$(mktemp -d)
  for t in "${tokens[@]}"; do
    hey -z "${2}s" -c $((CONNECTIONS / ${#tokens[@]})) -H "Authorization: Bearer $t" "$1" >"$dir/$i" &
    pids+=($!)
    i=$((i + 1))
  done
  wait "${pids[@]}" # not a bare wait: that would wait for the tee of the evidence too
  cat "$dir"/* | grep -v 'Requests/sec'
  awk '/Requests\/sec/ {sum += $2} END {printf "  Requests/sec:\t%.4f\n", sum}' "$dir"/*
  rm -rf "$dir"
}

# CPU time (clock ticks) of a process, of a process and its children (PostgreSQL's backends, the
# exited ones included): on a machine shared with other work, CPU per request is the steadier cost.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local postmaster=$1 total child
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for child in $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$child" 2>/dev/null || echo 0))); done
  echo "$total"
}
postmaster=$(ss -ltnpH "sport = :$MITEOS_DB_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[[ -n $postmaster ]] || { echo "no PostgreSQL listening on $MITEOS_DB_PORT" >&2; exit 1; }
readonly TICK_MS=$((1000 / $(getconf CLK_TCK)))

for k in $(seq "${#VARIANTS[@]}"); do
  load "$(url_of "$k")" "$WARMUP" >/dev/null
done

results=$(mktemp)
for ((round = 1; round <= ROUNDS; round++)); do
  for k in $(seq "${#VARIANTS[@]}"); do
    pid=$(<".miteos/pids/$(gateway "$k").pid")
    g0=$(ticks "$pid") p0=$(pg_ticks "$postmaster")
    out=$(load "$(url_of "$k")" "$SECONDS_PER_RUN")
    g1=$(ticks "$pid") p1=$(pg_ticks "$postmaster")
    awk -v v="${names[$((k - 1))]}" -v r="$round" -v g=$(((g1 - g0) * TICK_MS)) -v p=$(((p1 - p0) * TICK_MS)) '
      /Requests\/sec/ { rps = $2 }
      /50% in/ { p50 = $3 * 1000 }
      /99% in/ { p99 = $3 * 1000 }
      /\[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); n += $2; if ($1 != 200) bad += $2 }
      END { printf "%-12s round %d  %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  non-200 %d  cpu/request: gateway %.3f ms, postgres %.3f ms\n",
              v, r, rps, p50, p99, bad, g / n, p / n }' <<<"$out" | tee -a "$results"
  done
done

median() { # median <variant> <field>: of req/s ($4), gateway ($16) or postgres ($19) CPU ms per request
  awk -v v="$1" -v f="$2" '$1 == v {gsub(/,/, "", $f); print $f}' "$results" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
last=${names[-1]}
for name in "${names[@]}"; do
  echo "GET /v1/tasks/{id} via $name: median $(median "$name" 4) req/s (ratio to $last" \
    "$(awk -v a="$(median "$name" 4)" -v b="$(median "$last" 4)" 'BEGIN {printf "%.2f", a / b}')), CPU per request:" \
    "gateway $(median "$name" 16) ms, postgres $(median "$name" 19) ms"
done
rm -f "$results"
echo "(evidence: ${EVIDENCE#"$ROOT"/})"
