#!/usr/bin/env bash
#
# bench/pipeline.sh - P3 of issue 12: one-agent sandbox tasks with no step delay, submitted at a
# constant rate; how many complete per second, how long from POST to `complete` visible to the
# client, and the CPU each task costs across the platform. Prints table rows (see bench/lib.sh);
# raw outputs go to stderr.
#
#   bench/pipeline.sh
#
#   PIPELINE_RATE=100        tasks submitted per second (open model: whatever the platform does)
#   PIPELINE_SECONDS=60      measured seconds of submitting, after PIPELINE_WARMUP=10 not counted
#   PIPELINE_DRAIN=300       seconds to wait afterwards for the counted tasks to finish
#
# Targets: >= 100 tasks/s completed while submitting; POST -> complete visible p50 <= 250 ms,
# p99 <= 1 s (bench/Pipeline.java: the newest completed tasks every 50 ms, a straggler's own GET
# every 250 ms); CPU per task <= 20 ms, all our processes plus Kafka, S3Proxy and PostgreSQL (user
# + system time from /proc over the submitting, divided by the tasks completed meanwhile, also shown
# per process; the PostgreSQL that serves MITEOS_DB_PORT counts, whole: the machine's own cluster
# with other databases' work included, so run it on a quiet machine).
#
# Uses the running stack when bench/run started it, else starts one (limits lifted) and stops it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source bench/lib.sh
trap bench_cleanup EXIT

: "${PIPELINE_RATE:=100}"
: "${PIPELINE_SECONDS:=60}"
: "${PIPELINE_WARMUP:=10}"
: "${PIPELINE_DRAIN:=300}"

bench_tools
javac -d "$BENCH_TMP/classes" bench/Pipeline.java
bench_stack
token=$(new_sandbox_token bench-pipeline)
printf '%s' '{"prompt":"Summarise the trade-offs of event sourcing in one short report.","config":{"max_agents":1,"sandbox":{"step_delay_ms":0}}}' \
  >"$BENCH_TMP/pipeline.json"

# cpu_ticks: user + system clock ticks of every platform process, "name ticks" per line: our processes
# (./miteos's pid files: services, Kafka, S3Proxy, the embedded PostgreSQL's launcher) by pid-file name,
# and "postgresql" for the PostgreSQL server that serves MITEOS_DB_PORT (its postmaster with the time
# of the backends it reaped, plus its live backends): only this stack's cluster, however many others
# run on the machine (the machine's own cluster counts whole, other databases' work included).
cpu_ticks() {
  local file pid postmaster
  for file in .miteos/pids/*.pid; do
    pid=$(<"$file")
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
    sed 's/.*) //' "/proc/$pid/stat" | awk -v n="$(basename "$file" .pid)" '{ print n, $12 + $13 }'
  done
  postmaster=$(ss -Hltnp "sport = :$MITEOS_DB_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [[ -n $postmaster ]] || return 0
  {
    sed 's/.*) //' "/proc/$postmaster/stat" | awk '{ print $12 + $13 + $14 + $15 }' # + reaped children
    # (a backend may end between the listing and the reading)
    for pid in $(pgrep -P "$postmaster"); do
      { sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null || true; } | awk '{ print $12 + $13 }'
    done
  } | awk '{ t += $1 } END { print "postgresql", t }'
}

# A few tasks first: the pipeline's first run of everything (JIT, pools, connections) is not measured.
java -Xmx256m -cp "$BENCH_TMP/classes" Pipeline --base "$BASE" --token "$token" --rate 5 --seconds 5 \
  --drain-seconds 60 --body-file "$BENCH_TMP/pipeline.json" >&2

cpu_ticks >"$BENCH_TMP/cpu-before"
t0=$(date +%s.%N)
line=$(java -Xmx512m -cp "$BENCH_TMP/classes" Pipeline --base "$BASE" --token "$token" --rate "$PIPELINE_RATE" \
  --seconds "$PIPELINE_SECONDS" --warmup "$PIPELINE_WARMUP" --drain-seconds "$PIPELINE_DRAIN" \
  --body-file "$BENCH_TMP/pipeline.json")
cpu_ticks >"$BENCH_TMP/cpu-after"
elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
printf '# pipeline at %s/s for %s s (+%s s warm-up), %s s in all with the drain (load %s)\n%s\n' \
  "$PIPELINE_RATE" "$PIPELINE_SECONDS" "$PIPELINE_WARMUP" "$elapsed" "$(load_note)" "$line" >&2

# CPU over the whole run (submitting and drain) per task completed in it, warm-up tasks included.
ticks=$(awk 'NR == FNR { before[$1] = $2; next } { used += $2 - before[$1] } END { print used + 0 }' \
  "$BENCH_TMP/cpu-before" "$BENCH_TMP/cpu-after")
completed=$(curl -sf "$BASE/v1/tasks?status=complete&limit=1" -H "Authorization: Bearer $token" | json_value total)
cpu_ms=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$completed" 'BEGIN { if (n == 0) print "n/a"; else printf "%.1f", t / hz * 1000 / n }')
echo "# CPU: $ticks ticks over the run for $completed completed tasks of the account" >&2
# The same per process: which part of the platform a task's CPU goes to.
awk -v hz="$(getconf CLK_TCK)" -v n="$completed" 'NR == FNR { before[$1] = $2; next }
  n > 0 { printf "%s%s %.1f ms", (k++ ? ", " : "# CPU per task by process: "), $1, ($2 - before[$1]) / hz * 1000 / n }
  END { if (k) print "" }' "$BENCH_TMP/cpu-before" "$BENCH_TMP/cpu-after" >&2

rate=$(field completed_per_s "$line")
summary="sent $(field sent "$line"), accepted $(field accepted "$line"), complete $(field complete "$line"), failed $(field failed "$line"), unresolved $(field unresolved "$line"); POST p99 $(field post_p99_ms "$line") ms; load $(load_note)"
row P3 "tasks completed per second while submitting $PIPELINE_RATE/s for $PIPELINE_SECONDS s ($summary)" \
  "$rate" "$PIPELINE_RATE offered" "$(ratio "$rate" "$PIPELINE_RATE")" "≥ 100 /s" "$(met "$rate" '>=' 100)"
p50=$(field complete_p50_ms "$line") p99=$(field complete_p99_ms "$line")
row P3 "POST → complete visible, p50 (p90 $(field complete_p90_ms "$line") ms, max $(field complete_max_ms "$line") ms)" \
  "$p50 ms" "—" "—" "≤ 250 ms" "$(met "$p50" '<=' 250)"
row P3 "POST → complete visible, p99" "$p99 ms" "—" "—" "≤ 1,000 ms" "$(met "$p99" '<=' 1000)"
row P3 "CPU per task: services, Kafka, S3Proxy, PostgreSQL ($ticks ticks for $completed tasks)" \
  "$cpu_ms ms" "—" "—" "≤ 20 ms" "$(met "$cpu_ms" '<=' 20)"
