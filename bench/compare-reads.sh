#!/usr/bin/env bash
#
# bench/compare-reads.sh - read throughput (GET /v1/tasks/{id} and GET /v1/tasks?limit=20) of
# two builds, measured in one run.
#
#   bench/compare-reads.sh <baseline-ref> [candidate-ref=HEAD] [rounds=3] [seconds=20]
#
#   COMPARE_SERVICES="task-service"   swap only these services (default: api-gateway task-service)
#   COMPARE_WARMUP=15                  seconds of load on each path before each measurement (JIT)
#
# The services inherit the environment. When the candidate's schema is newer than the baseline's
# (a later Flyway migration), let the baseline start on it with
# QUARKUS_FLYWAY_IGNORE_MIGRATION_PATTERNS='*:future'; to leave out the shared rate limiter
# (issue 9) against a baseline without it, MITEOS_RATE_LIMIT_STORE=local.
#
# As root without a PostgreSQL on MITEOS_DB_PORT, the embedded one runs as `nobody` and cannot
# read the clone under mktemp's directory: start one first (e.g. ./miteos restart postgres).
#
# Builds both refs, starts the stack of the candidate once (Kafka, S3, PostgreSQL, the four
# services; rate limits lifted), creates one sandbox task, then alternates the read path's two
# services (api-gateway and task-service) between the baseline's and the candidate's build,
# round after round, measuring each path with `hey` (16 connections, closed loop). Alternating in
# one run is what makes the figures comparable on a noisy 2-core machine; absolute numbers are
# not. Prints one line per measurement and the candidate/baseline ratio of the medians.
#
# Run it with nothing of ours listening on the Miteos ports. It leaves nothing running.
# Needs `hey` (Debian package; installed with apt-get when missing and running as root).

set -euo pipefail

readonly BASELINE=${1:?usage: bench/compare-reads.sh <baseline-ref> [candidate-ref] [rounds] [seconds]}
readonly CANDIDATE=${2:-HEAD}
readonly ROUNDS=${3:-3}
readonly SECONDS_PER_RUN=${4:-20}
readonly WARMUP=${COMPARE_WARMUP:-15}
read -r -a SERVICES <<<"${COMPARE_SERVICES:-api-gateway task-service}"
readonly SERVICES

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
work="$(mktemp -d)"
cleanup() {
  (cd "$work/candidate" 2>/dev/null && ./miteos down >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v hey >/dev/null 2>&1; then
  ((EUID == 0)) || { echo "hey is missing: apt-get install hey" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hey >/dev/null
fi

build() { # build <name> <ref>: a clone of ref with every module packaged, tests skipped
  git clone -q "$repo" "$work/$1"
  git -C "$work/$1" checkout -q "$2"
  (cd "$work/$1" && ./mvnw -B -q -ntp -DskipTests package) >"$work/$1.build.log" 2>&1 ||
    { tail -40 "$work/$1.build.log"; exit 1; }
  for s in "${SERVICES[@]}"; do
    mkdir -p "$work/apps/$1"
    cp -a "$work/$1/$s/target/quarkus-app" "$work/apps/$1/$s"
  done
  echo "built $1: $(git -C "$work/$1" rev-parse --short HEAD)"
}
build baseline "$BASELINE"
build candidate "$CANDIDATE"

cd "$work/candidate"
export MITEOS_SKIP_BUILD=true MITEOS_RATE_LIMIT_RPS=1000000 MITEOS_RATE_LIMIT_BURST=1000000
./miteos up >"$work/up.log" 2>&1 || { tail -40 "$work/up.log"; exit 1; }
port=${MITEOS_GATEWAY_PORT:-8080}
token=$(<.miteos/demo-token)
auth="Authorization: Bearer $token"
# Twenty tasks, so that the list reads a full page; the last one is read by id.
for _ in $(seq 20); do
  task=$(curl -sf -X POST "http://127.0.0.1:$port/v1/tasks" -H "$auth" -H 'Content-Type: application/json' \
    -d '{"prompt":"Compare three vector databases in a Markdown report.","config":{"max_agents":2}}' |
    grep -o '"id" *: *"[^"]*"' | head -1 | cut -d'"' -f4)
done
url="http://127.0.0.1:$port/v1/tasks/$task"
list_url="http://127.0.0.1:$port/v1/tasks?limit=20"
for _ in $(seq 60); do
  curl -sf "$url" -H "$auth" | grep -q '"status" *: *"complete"' && break
  sleep 1
done

use() { # use <build>: run the read path's services from that build
  for s in "${SERVICES[@]}"; do
    rm -rf "$s/target/quarkus-app"
    cp -a "$work/apps/$1/$s" "$s/target/quarkus-app"
    ./miteos restart "$s" >/dev/null
  done
  curl -sf "$url" -H "$auth" >/dev/null
  hey -z "${WARMUP}s" -c 16 -H "$auth" "$url" >/dev/null # warm-up: JIT and pools
  hey -z "${WARMUP}s" -c 16 -H "$auth" "$list_url" >/dev/null
}

measure() { # measure <build> <round> <path-name> <url>: prints "build path round req/s p50_ms p99_ms"
  local out
  out=$(hey -z "${SECONDS_PER_RUN}s" -c 16 -H "$auth" "$4")
  awk -v b="$1" -v r="$2" -v p="$3" '
    /Requests\/sec/ { rps = $2 }
    /50% in/ { p50 = $3 * 1000 }
    /99% in/ { p99 = $3 * 1000 }
    /\[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); if ($1 != 200) bad += $2 }
    END { printf "%-9s %-4s round %d  %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  non-200 %d\n", b, p, r, rps, p50, p99, bad }' <<<"$out"
}

results="$work/results.txt"
for ((round = 1; round <= ROUNDS; round++)); do
  for build_name in baseline candidate; do
    use "$build_name"
    measure "$build_name" "$round" get "$url" | tee -a "$results"
    measure "$build_name" "$round" list "$list_url" | tee -a "$results"
  done
done

median() { # median <build> <path-name>
  awk -v b="$1" -v p="$2" '$1 == b && $2 == p {print $5}' "$results" | sort -n |
    awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
for path_name in get list; do
  b=$(median baseline "$path_name")
  c=$(median candidate "$path_name")
  label=$([[ $path_name == get ]] && echo 'GET /v1/tasks/{id}' || echo 'GET /v1/tasks?limit=20')
  echo "$label: baseline $BASELINE median $b req/s, candidate $CANDIDATE median $c req/s," \
    "ratio $(awk -v b="$b" -v c="$c" 'BEGIN {printf "%.2f", c / b}')"
done
