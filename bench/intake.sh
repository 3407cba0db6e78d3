#!/usr/bin/env bash
#
# bench/intake.sh - P1 of issue 12: POST /v1/tasks against the bare endpoint of the same gateway,
# in one run. Prints table rows (see bench/lib.sh); raw outputs go to stderr.
#
#   bench/intake.sh
#
#   INTAKE_RUNNING_RATE=100   POSTs per second while the orchestrator runs (P3's load), at most half
#                             the measured maximum (a rate over capacity only measures the queue)
#   INTAKE_KAFKA_RATE         POSTs per second while Kafka is stopped; default half the measured maximum
#   INTAKE_DRAIN_TIMEOUT=300  seconds to wait at the end for the submitted tasks to finish
#   BENCH_SECONDS, BENCH_WARMUP, BENCH_CONNECTIONS: see bench/lib.sh
#
# With the orchestrator stopped (on one 2-core machine the pipeline competes for the cores):
#   1. maximum req/s of POST /v1/tasks (wrk, closed loop) against POST /bench/bare: target >= 20 %;
#   2. p99 of POST at half that rate, open model (bench/OpenLoad.java): target <= 25 ms, next to the
#      bare endpoint's p99 at the same rate;
#   3. Kafka stopped: POST p99 at INTAKE_KAFKA_RATE, every POST answered 201 (target <= 100 ms);
#      after Kafka is back, every accepted submission reaches the broker (published_at set);
# then with the orchestrator running: POST p99 at INTAKE_RUNNING_RATE (target <= 100 ms).
#
# Uses the running stack when bench/run started it, else starts one (limits lifted, /bench/bare on)
# and stops it at the end. Leaves the orchestrator and Kafka running as it found them.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source bench/lib.sh

: "${INTAKE_RUNNING_RATE:=100}"

restore() {
  restart_component kafka || true
  restart_component agent-orchestrator || true
}
trap 'rc=$?; ((rc == 0)) || restore; bench_cleanup' EXIT

bench_tools
bench_stack
token=$(new_sandbox_token bench-intake)
auth="Authorization: Bearer $token"
tasks="$BASE/v1/tasks"
bare="$BASE/bench/bare"

unpublished() {
  psql -h "$MITEOS_DB_HOST" -p "$MITEOS_DB_PORT" -U "$MITEOS_DB_USER" -d miteos_gateway -tAc \
    "SELECT count(*) FROM task_submissions WHERE published_at IS NULL" 2>/dev/null || echo '?'
}

./miteos stop agent-orchestrator >/dev/null

# 1. Maximum throughput.
read -r bare_rps _ _ _ _ < <(wrk_max "$bare" POST)
jfr_start post-max
read -r post_rps post_p50 post_p99 post_bad post_err < <(wrk_max "$tasks" POST "$auth")
jfr_stop
r=$(ratio "$post_rps" "$bare_rps")
row P1 "POST /v1/tasks max req/s, orchestrator stopped (wrk -c$BENCH_CONNECTIONS; closed-loop p50 $post_p50 ms, p99 $post_p99 ms; non-2xx $post_bad, socket errors $post_err; load $(load_note))" \
  "$post_rps" "$bare_rps (POST /bench/bare)" "$r" "≥ 0.20" "$(met "$r" '>=' 0.20)"

# 2. p99 at half that rate, open model, the bare endpoint at the same rate as its baseline.
half=$(awk -v r="$post_rps" 'BEGIN { h = r / 2; printf "%.0f", (h < 1 ? 1 : h) }')
bare_line=$(open_load "$bare" POST "$half")
jfr_start post-half-rate
post_line=$(open_load "$tasks" POST "$half" "$auth")
jfr_stop
p99=$(field p99_ms "$post_line")
row P1 "POST /v1/tasks p99 at $half/s (half the max), open model, orchestrator stopped ($(field ok "$post_line")/$(field sent "$post_line") 2xx, p50 $(field p50_ms "$post_line") ms; load $(load_note))" \
  "$p99 ms" "$(field p99_ms "$bare_line") ms (bare at $half/s)" "$(ratio "$p99" "$(field p99_ms "$bare_line")")" "≤ 25 ms" "$(met "$p99" '<=' 25)"

# 3. Kafka stopped: the POST is answered from the gateway's outbox, and nothing is lost.
: "${INTAKE_KAFKA_RATE:=$half}"
./miteos stop kafka >/dev/null
kafka_line=$(BENCH_WARMUP=0 open_load "$tasks" POST "$INTAKE_KAFKA_RATE" "$auth")
p99=$(field p99_ms "$kafka_line")
sent=$(field sent "$kafka_line") ok=$(field ok "$kafka_line")
waiting=$(unpublished)
t0=$SECONDS
restart_component kafka
left=$waiting
while ((SECONDS - t0 < 120)); do
  left=$(unpublished)
  [[ $left != 0 ]] || break
  sleep 2
done
kafka_met=$(met "$p99" '<=' 100)
[[ $ok == "$sent" && $left == 0 ]] || kafka_met='**not met**'
row P1 "POST /v1/tasks p99 at $INTAKE_KAFKA_RATE/s with Kafka stopped ($ok/$sent answered 2xx; $waiting unpublished when Kafka came back, $left left $((SECONDS - t0)) s later; load $(load_note))" \
  "$p99 ms" "—" "—" "≤ 100 ms, all 2xx, none left" "$kafka_met"

# 4. With the orchestrator running: tasks are planned and run beside the intake.
INTAKE_RUNNING_RATE=$(awk -v r="$INTAKE_RUNNING_RATE" -v h="$half" 'BEGIN { print (r < h ? r : h) }')
restart_component agent-orchestrator
running_line=$(open_load "$tasks" POST "$INTAKE_RUNNING_RATE" "$auth")
p99=$(field p99_ms "$running_line")
row P1 "POST /v1/tasks p99 at $INTAKE_RUNNING_RATE/s, orchestrator running ($(field ok "$running_line")/$(field sent "$running_line") 2xx, p50 $(field p50_ms "$running_line") ms; load $(load_note))" \
  "$p99 ms" "—" "—" "≤ 100 ms" "$(met "$p99" '<=' 100)"

# Let the tasks just submitted finish, so that what runs next is not measured beside them.
unfinished() {
  local n=0 status
  for status in pending planning running paused; do
    n=$((n + $(curl -sf "$tasks?status=$status&limit=1" -H "$auth" | json_value total)))
  done
  echo "$n"
}
t0=$SECONDS
while ((SECONDS - t0 < ${INTAKE_DRAIN_TIMEOUT:-300})); do
  left=$(unfinished)
  ((left > 0)) || break
  sleep 5
done
echo "# $left tasks unfinished $((SECONDS - t0)) s after the last POST (load $(load_note))" >&2
