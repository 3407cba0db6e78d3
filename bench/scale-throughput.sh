#!/usr/bin/env bash
#
# bench/scale-throughput.sh - completed tasks per second with 1, 2 and 3 orchestrators, measured in
# one run (issue 9: with I/O-bound work, 3 replicas must reach at least 2.5 times one).
#
#   bench/scale-throughput.sh [tasks-per-replica=40] [step-delay-ms=500] [running-cap=10]
#
# Starts the stack of this checkout (./miteos up; rate limit and active-task cap lifted; every
# orchestrator runs at most <running-cap> tasks at once, MITEOS_MAX_RUNNING_TASKS), then for
# n = 1, 2, 3: scales the orchestrators to n, waits until the 12 command partitions are spread
# over them, submits n x <tasks-per-replica> one-agent sandbox tasks whose every step waits
# <step-delay-ms> (work bound by waiting, like a model call), and times the first POST to the
# last task complete. It also samples the completed count every 0.5 s for the steady rate: the
# tasks completed between 10 % and 90 % done, over that time (no ramp-up, no tail of fewer tasks
# than slots). Each phase uses a fresh account. Prints one line per phase and both ratios to one
# replica; the stack is left running with one orchestrator (./miteos down stops it).
#
# Run it with nothing else of ours on the Miteos ports (the settings above reach the services only
# when ./miteos up starts them). Needs curl and bc.

set -euo pipefail

readonly PER_REPLICA=${1:-40}
readonly STEP_DELAY_MS=${2:-500}
readonly RUNNING_CAP=${3:-10}
readonly PHASE_TIMEOUT=600

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=../reliability/lib.sh
source reliability/lib.sh

export MITEOS_MAX_RUNNING_TASKS=$RUNNING_CAP
start_lifted_stack
./miteos scale agent-orchestrator=1 >/dev/null

# spread N: every one of the N orchestrator logs says it holds its share of the 12 partitions.
spread() {
  local n=$1 k log held total=0
  for ((k = 1; k <= n; k++)); do
    log=.miteos/logs/agent-orchestrator$( ((k == 1)) || echo "-$k").log
    [[ -f $log ]] || return 1
    held=$(grep -o 'command partitions held here: \[[0-9, ]*\]' "$log" | tail -1 | grep -o '[0-9]\+' | wc -l)
    ((held >= 12 / n)) || return 1
    total=$((total + held))
  done
  ((total == 12))
}

completed() { # completed tasks of the phase's account
  curl -sf "$BASE/v1/tasks?status=complete&limit=1" -H "Authorization: Bearer $1" | json_value total
}

# steady_rate FILE TOTAL: tasks/s between the first sample ("<seconds> <completed>") at or past
# 10 % of TOTAL and the first at or past 90 %.
steady_rate() {
  awk -v total="$2" '
    !t10 && $2 >= 0.1 * total { t10 = $1; c10 = $2 }
    !t90 && $2 >= 0.9 * total { t90 = $1; c90 = $2 }
    END { if (t90 > t10) printf "%.4f", (c90 - c10) / (t90 - t10); else print 0 }' "$1"
}

declare -A rate=() steady=()
for n in 1 2 3; do
  ./miteos scale agent-orchestrator=$n >/dev/null
  for _ in $(seq 120); do spread "$n" && break; sleep 1; done
  spread "$n" || { echo "partitions not spread over $n orchestrators" >&2; exit 1; }
  token=$(new_sandbox_token scale-throughput)
  tasks=$((n * PER_REPLICA))
  body="{\"prompt\":\"Compare three vector databases in a Markdown report.\",\"config\":{\"max_agents\":1,\"sandbox\":{\"step_delay_ms\":$STEP_DELAY_MS}}}"
  start=$(date +%s.%N)
  seq "$tasks" | xargs -P 8 -I{} curl -sf -o /dev/null -X POST "$BASE/v1/tasks" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body"
  submitted=$(echo "$(date +%s.%N) - $start" | bc -l)
  deadline=$((SECONDS + PHASE_TIMEOUT))
  samples=$(mktemp)
  while :; do
    done_now=$(completed "$token")
    echo "$(echo "$(date +%s.%N) - $start" | bc -l) ${done_now:-0}" >>"$samples"
    [[ $done_now == "$tasks" ]] && break
    ((SECONDS < deadline)) || { echo "phase $n: not all $tasks tasks complete in ${PHASE_TIMEOUT}s" >&2; exit 1; }
    sleep 0.5
  done
  took=$(echo "$(date +%s.%N) - $start" | bc -l)
  rate[$n]=$(echo "$tasks / $took" | bc -l)
  # The steady rate leaves out the ramp (replicas filling their slots) and the tail (fewer tasks
  # left than slots): completions between the samples that first showed 10 % and 90 % done.
  steady[$n]=$(steady_rate "$samples" "$tasks")
  rm -f "$samples"
  # When the POSTs take most of the phase, the gateway's intake, not the orchestrators, sets the rate.
  printf '%d orchestrator(s): %4d tasks in %6.1f s  %6.2f tasks/s, steady %6.2f tasks/s  (all POSTs answered after %.1f s)\n' \
    "$n" "$tasks" "$took" "${rate[$n]}" "${steady[$n]}" "$submitted"
done
printf 'ratio to one replica: 2 -> %.2f, 3 -> %.2f; steady: 2 -> %.2f, 3 -> %.2f (step delay %d ms, cap %d running tasks per replica)\n' \
  "$(echo "${rate[2]} / ${rate[1]}" | bc -l)" "$(echo "${rate[3]} / ${rate[1]}" | bc -l)" \
  "$(echo "${steady[2]} / ${steady[1]}" | bc -l)" "$(echo "${steady[3]} / ${steady[1]}" | bc -l)" \
  "$STEP_DELAY_MS" "$RUNNING_CAP"
./miteos scale agent-orchestrator=1 >/dev/null
