#!/usr/bin/env bash
#
# bench/concurrency.sh - P4 of issue 12: thousands of live agents in flight in ONE orchestrator
# against a stub model (bench/StubModel.java) that answers every call after a delay; all must
# complete, heap <= 1 GiB, and the thread count must not grow with the number of agents.
# Prints table rows (see bench/lib.sh); raw samples go to stderr.
#
#   bench/concurrency.sh                 runs CONCURRENCY_RUNS (default "1000:0 1000:5000 10000:5000")
#   CONCURRENCY_RUNS="10000:5000" bench/concurrency.sh
#
# Each run AGENTS:DELAY_MS: AGENTS / CONCURRENCY_MAX_AGENTS live tasks (10 agents each, the API's
# most) against the stub answering after DELAY_MS (0 is the zero-work stub model baseline). The
# orchestrator is stopped while the tasks are submitted, then started, so that they all start
# together from the backlog; each agent makes CONCURRENCY_AGENT_STEPS model calls (list_files,
# then finish; 1: finish at once). More steps keep agents in flight longer, but every call costs the
# orchestrator CPU (the figure "CPU per model call"): on a shared 2-core machine 10,000 agents x 6
# steps did not end within the half hour available. Sampled every 2 s: miteos_agents_active (the orchestrator's agents not
# finished), the model calls the stub holds unanswered, the orchestrator's thread count
# (/proc/<pid>/status) and RSS; its heap with jstat -gc every second; once, when agents_active
# first reaches 90 % of AGENTS, its live heap (jcmd GC.class_histogram, a full GC) and a thread
# dump (both to the evidence). At the end the tasks' statuses are read through the API.
#
# Caps lifted for it (environment of the orchestrator it restarts): MITEOS_LLM_MAX_CONNECTIONS
# (256 by default: at most that many model calls in flight, the rest queue) = 2 x agents,
# MITEOS_MAX_RUNNING_TASKS=0 (no per-instance cap), MITEOS_AGENT_MAX_STEPS >= the steps, and the
# heap -Xmx1g (MITEOS_SERVICE_JAVA_OPTS: the target is the cap) with the JVM's own collector (G1 on
# 2 CPUs or more: MITEOS_SERVICE_FOOTPRINT_OPTS empty, the small-footprint serial collector of
# deploy/jvm.sh is not measured under this load; CONCURRENCY_FOOTPRINT_OPTS sets it); the gateway's active-task cap
# (MITEOS_MAX_ACTIVE_TASKS) and rate limit are lifted by bench_stack (reliability/lib.sh) when
# it starts the stack. The orchestrator goes back to the stack's own settings at the end.
#
# Settings: CONCURRENCY_RUNS, CONCURRENCY_MAX_AGENTS (10), CONCURRENCY_AGENT_STEPS (1),
# CONCURRENCY_HEAP (1g), CONCURRENCY_FOOTPRINT_OPTS (empty: the JVM's collector), CONCURRENCY_SUBMITTERS (16 parallel POSTs), CONCURRENCY_TIMEOUT (900 s per
# run), CONCURRENCY_STUB_PORT (gateway port + 40), CONCURRENCY_EVIDENCE (dir for histograms and
# dumps; default a temporary one), CONCURRENCY_JFR=DIR (record the orchestrator, profile settings).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source bench/lib.sh

runs=${CONCURRENCY_RUNS:-1000:0 1000:5000 10000:5000}
per_task=${CONCURRENCY_MAX_AGENTS:-10}
steps=${CONCURRENCY_AGENT_STEPS:-1}
heap=${CONCURRENCY_HEAP:-1g}
submitters=${CONCURRENCY_SUBMITTERS:-16}
run_timeout=${CONCURRENCY_TIMEOUT:-900}
stub_port=${CONCURRENCY_STUB_PORT:-$((MITEOS_GATEWAY_PORT + 40))}
evidence=${CONCURRENCY_EVIDENCE:-$BENCH_TMP/evidence}
mkdir -p "$evidence"
orch="http://127.0.0.1:$MITEOS_ORCHESTRATOR_PORT"
stub="http://127.0.0.1:$stub_port"
stub_pid=''

cleanup() {
  [[ -z $(jobs -p) ]] || kill $(jobs -p) 2>/dev/null || true
  [[ -z $stub_pid ]] || kill "$stub_pid" 2>/dev/null || true
  # The orchestrator goes back to the stack's own settings (bench/run goes on with it).
  if [[ $BENCH_OWNS_STACK != true && -n ${restore_orchestrator:-} ]]; then
    restart_component agent-orchestrator >/dev/null 2>&1 || echo "# could not restore the orchestrator" >&2
  fi
  bench_cleanup
}
trap cleanup EXIT

bench_stack
admin="Authorization: Bearer $(<.miteos/admin-token)"

# start_stub DELAY_MS: the stub model on stub_port, answering after DELAY_MS.
start_stub() {
  [[ -z $stub_pid ]] || { kill "$stub_pid"; wait "$stub_pid" 2>/dev/null || true; }
  java -Xmx256m -XX:+UseSerialGC bench/StubModel.java --port "$stub_port" --delay-ms "$1" --agent-steps "$steps" \
    >"$BENCH_TMP/stub.out" 2>>"$evidence/stub-$1ms.log" &
  stub_pid=$!
  for _ in $(seq 100); do
    grep -q '^listening' "$BENCH_TMP/stub.out" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "the stub model did not start" >&2
  exit 1
}

# orchestrator_on_stub AGENTS [JFR_FILE]: (re)start the orchestrator on the stub, caps lifted.
orchestrator_on_stub() {
  local opts="-Xmx$heap -Djdk.httpclient.allowRestrictedHeaders=host"
  [[ -z ${2:-} ]] || opts+=" -XX:StartFlightRecording=filename=$2,settings=profile"
  restore_orchestrator=true
  (
    export MITEOS_LLM_BASE_URL="$stub/v1" MITEOS_LLM_MODEL=stub MITEOS_LLM_MAX_CONNECTIONS=$((2 * $1))
    export MITEOS_MAX_RUNNING_TASKS=0 MITEOS_AGENT_MAX_STEPS=$((steps > 12 ? steps : 12))
    export MITEOS_SERVICE_JAVA_OPTS="$opts" MITEOS_SERVICE_FOOTPRINT_OPTS="${CONCURRENCY_FOOTPRINT_OPTS:-}"
    restart_component agent-orchestrator
  ) >/dev/null
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # user + system, 1/100 s

metric() { # metric NAME_REGEX: the sum of the orchestrator's samples whose name and labels match
  # the value follows the name and labels; an exemplar (" # {trace_id=…} …") may come after it
  { curl -s -m 5 "$orch/q/metrics" 2>/dev/null || true; } | awk -v re="^$1" '$0 ~ re { sub(/ #.*/, ""); s += $NF } END { printf "%d\n", s }'
}

live_key() {
  local account
  account=$(curl -sf -X POST "$BASE/admin/v1/accounts" -H "$admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench-concurrency-$1\"}" | json_value id)
  curl -sf -X POST "$BASE/admin/v1/accounts/$account/keys" -H "$admin" -H 'Content-Type: application/json' \
    -d '{"mode":"live"}' | json_value token
}

# status_total KEY STATUS: how many of the key's tasks the API shows in STATUS.
status_total() {
  { curl -s -m 10 "$BASE/v1/tasks?status=$2&limit=1" -H "Authorization: Bearer $1" || true; } | json_value total
}

# one_run AGENTS DELAY_MS: writes to $BENCH_TMP/result-AGENTS:DELAY_MS "tasks accepted complete failed peak_agents peak_calls threads_peak
# threads_idle heap_max_mib live_mib rss_max_mib seconds cpu_ms model_calls"
one_run() {
  local agents=$1 delay=$2 tasks key name pid t0 sampled=false ended=0 now seconds
  tasks=$(((agents + per_task - 1) / per_task))
  name="${agents}agents-${delay}ms"
  key=$(live_key "$name")
  start_stub "$delay"
  ./miteos stop agent-orchestrator >/dev/null
  echo "# $name: submitting $tasks tasks of $per_task agents (load $(load_note))" >&2
  local body="{\"prompt\":\"Benchmark task for a stub model.\",\"config\":{\"max_agents\":$per_task,\"autonomy_level\":100}}"
  t0=$(date +%s)
  seq "$tasks" | xargs -P "$submitters" -I{} curl -s -o /dev/null -w '%{http_code}\n' -m 60 -X POST "$BASE/v1/tasks" \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" >"$BENCH_TMP/posts" || true
  local accepted
  accepted=$(grep -c '^201$' "$BENCH_TMP/posts" || true)
  echo "# $name: $accepted of $tasks accepted in $(($(date +%s) - t0)) s; starting the orchestrator on the stub" >&2
  orchestrator_on_stub "$agents" "${CONCURRENCY_JFR:+$CONCURRENCY_JFR/$name.jfr}"
  pid=$(<.miteos/pids/agent-orchestrator.pid)
  local idle_threads
  idle_threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
  curl -s -X POST "$stub/stats/reset" >/dev/null || true
  local cpu0 load0
  cpu0=$(cpu_ticks "$pid")
  load0=$(load_note)
  jstat -gc "$pid" 1000 >"$BENCH_TMP/jstat-$name" 2>/dev/null &
  local jstat_pid=$!
  t0=$(date +%s)
  : >"$BENCH_TMP/samples-$name"
  while :; do
    now=$(($(date +%s) - t0))
    local active calls threads rss
    active=$(metric 'miteos_agents_active')
    calls=$({ curl -s -m 5 "$stub/stats" || true; } | sed -n 's/^in_flight=\([0-9]*\) .*/\1/p')
    threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
    ended=$(metric 'miteos_tasks_(completed|failed|cancelled)_total')
    echo "t=${now}s agents_active=$active model_calls=${calls:-?} threads=$threads rss_mib=$rss ended=$ended/$accepted" \
      | tee -a "$BENCH_TMP/samples-$name" >&2
    if [[ $sampled == false ]] && ((active * 10 >= agents * 9)); then
      sampled=true
      jcmd "$pid" Thread.print >"$evidence/threads-$name.txt" 2>&1 || true
      jcmd "$pid" GC.class_histogram >"$evidence/histogram-$name.txt" 2>&1 || true
      echo "# $name: live heap at ${active} agents (full GC): $(awk '/^Total/ {print int($3 / 1048576) " MiB"}' \
        "$evidence/histogram-$name.txt")" >&2
    fi
    ((ended < accepted && now < run_timeout)) || break
    sleep 2
  done
  seconds=$(($(date +%s) - t0))
  local cpu_ms calls_answered
  cpu_ms=$((($(cpu_ticks "$pid") - cpu0) * 10))
  local stats peak_calls
  stats=$(curl -s -m 5 "$stub/stats" || true)
  calls_answered=$(sed -n 's/.*answered=\([0-9]*\).*/\1/p' <<<"$stats")
  peak_calls=$(sed -n 's/.*peak_in_flight=\([0-9]*\).*/\1/p' <<<"$stats") # the stub's own count, not a sample
  echo "# $name: orchestrator CPU $((cpu_ms / 1000)) s for ${calls_answered:-?} model calls (load $load0 at the start, $(load_note) at the end)" >&2
  kill "$jstat_pid" 2>/dev/null || true
  cp "$BENCH_TMP/jstat-$name" "$evidence/jstat-$name.txt"
  # Statuses through the API: task-service projects the last events a moment later.
  local complete=0 failed=0
  for _ in $(seq 60); do
    complete=$(status_total "$key" complete)
    failed=$(status_total "$key" failed)
    ((${complete:-0} + ${failed:-0} < accepted)) || break
    sleep 2
  done
  awk -v tasks="$tasks" -v accepted="$accepted" -v complete="${complete:-0}" -v failed="${failed:-0}" \
    -v idle="$idle_threads" -v secs="$seconds" -v hist="$(awk '/^Total/ {print $3}' "$evidence/histogram-$name.txt" 2>/dev/null)" \
    -v jstat="$BENCH_TMP/jstat-$name" -v cpu="$cpu_ms" -v calls="${calls_answered:-0}" -v peak_calls="${peak_calls:-0}" '
    { split($2, a, "="); if (a[2] > pa) pa = a[2]; split($3, c, "="); if (c[2] > pc) pc = c[2]
      split($4, t, "="); if (t[2] > pt) pt = t[2]; split($5, r, "="); if (r[2] > pr) pr = r[2] }
    END {
      if (peak_calls > pc) pc = peak_calls
      while ((getline line < jstat) > 0) { n = split(line, f, " "); if (f[1] ~ /^[0-9.]+$/) { u = (f[3] + f[4] + f[6] + f[8]) / 1024; if (u > hm) hm = u } }
      printf "%d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", tasks, accepted, complete, failed, pa, pc, pt, idle, hm, hist / 1048576, pr, secs, cpu, calls
    }' "$BENCH_TMP/samples-$name" >"$BENCH_TMP/result-$agents:$delay"
}

declare -A result
for spec in $runs; do
  agents=${spec%%:*}
  delay=${spec#*:}
  one_run "$agents" "$delay"
  result[$spec]=$(<"$BENCH_TMP/result-$spec")
  echo "# $spec: tasks accepted complete failed peak_agents peak_model_calls threads_peak threads_idle heap_max_mib live_mib rss_max_mib seconds cpu_ms model_calls = ${result[$spec]}" >&2
done

# Rows: each run, then the thread comparison of the largest run against the smallest delayed one.
calls_per_task=$((1 + steps + 2)) # plan, the agents' steps, the writer's write_file and finish
small=''
large=''
for spec in $runs; do
  read -r tasks accepted complete failed pa pc pt idle hm live rss secs cpu calls <<<"${result[$spec]}"
  agents=${spec%%:*}
  delay=${spec#*:}
  ideal=$((calls_per_task * delay / 1000))
  label="$agents agents ($tasks tasks × $per_task), stub answers after $delay ms"
  [[ $delay != 0 ]] || label="$agents agents, zero-work stub (baseline)"
  ok=met
  ((complete == tasks)) || ok='**not met**'
  row P4 "$label: tasks complete" "$complete of $tasks (failed $failed, accepted $accepted)" '' '' 'all complete' "$ok"
  row P4 "$label: orchestrator CPU per model call (all its work / calls the stub answered)" \
    "$(ratio "$cpu" "$calls") ms ($((cpu / 1000)) s / $calls calls)" '' '' '' ''
  if ((delay == 0)); then
    row P4 "$label: all ended after" "$secs s" '' '' '' ''
    continue
  fi
  row P4 "$label: peak agents in flight (miteos_agents_active) / model calls held at the stub" "$pa / $pc" \
    "$agents agents" "$(ratio "$pa" "$agents")" "all $agents in flight" "$(met "$pa" '>=' "$agents")"
  [[ -s "$evidence/histogram-$agents""agents-${delay}ms.txt" ]] && live="$live MiB" || live='n/a (90 % never reached)'
  row P4 "$label: orchestrator heap, most used (jstat, -Xmx$heap) / live after a full GC at 90 % in flight" \
    "$hm MiB / $live" '1,024 MiB' "$(ratio "$hm" 1024)" '≤ 1 GiB' "$(met "$hm" '<=' 1024)"
  row P4 "$label: orchestrator threads at most / RSS at most" "$pt / $rss MiB" "$idle threads just after start" \
    "$(ratio "$pt" "$idle")" '' ''
  row P4 "$label: all ended after" "$secs s" "$ideal s ($calls_per_task calls × $delay ms)" "$(ratio "$secs" "$ideal")" '' ''
  [[ -n $small ]] || small=$spec
  large=$spec
done
if [[ -n $small && $small != "$large" ]]; then
  read -r _ _ _ _ _ _ pt_small _ <<<"${result[$small]}"
  read -r _ _ _ _ _ _ pt_large _ <<<"${result[$large]}"
  growth=$((pt_large - pt_small))
  row P4 "threads at ${large%%:*} agents / at ${small%%:*} agents (the same orchestrator settings)" "$pt_large" "$pt_small" \
    "$(ratio "$pt_large" "$pt_small")" 'independent of agents (≤ 10 % more)' "$(met "$(ratio "$pt_large" "$pt_small")" '<=' 1.10)"
  echo "# thread growth from ${small%%:*} to ${large%%:*} agents: $growth" >&2
fi
