#!/usr/bin/env bash
#
# reliability/rolling-restart.sh - a rolling restart of every orchestrator while tasks run
# (issue 9): no task fails, none is stuck, none repeats a completed step.
#
#   reliability/rolling-restart.sh [tasks=200] [orchestrators=3] [step-delay-ms=10000]
#
# 1. ./miteos up, scaled to <orchestrators> (rate limit and active-task cap lifted).
# 2. A reference: one task of the same shape runs alone; its cost and deliverable count are what
#    every task must end with (sandbox runs are deterministic: a step repeated after a restart
#    would charge its model call twice or store a file twice).
# 3. <tasks> identical sandbox tasks (2 agents, every step waiting <step-delay-ms>) are submitted
#    in a fresh account; once a quarter of them are submitted (the rest go on meanwhile), each
#    orchestrator is restarted in turn with ./miteos restart (SIGTERM, wait for the exit, start,
#    wait until ready, i.e. joined to the command consumer group), as a Deployment's rolling
#    update does; each restart prints how many runs the stopped process suspended.
# 4. Every task must end `complete` with the reference's cost and deliverables. Prints a summary
#    line and exits non-zero on any failed, stuck or different task. Leaves the stack running,
#    scaled back to one orchestrator. Run it with nothing of ours running: the settings above reach
#    the services only when ./miteos up starts them. Needs curl and python3.

set -euo pipefail

readonly TASKS=${1:-200}
readonly ORCHESTRATORS=${2:-3}
readonly STEP_DELAY_MS=${3:-10000}
readonly SETTLE=600

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source reliability/lib.sh

start_lifted_stack
./miteos scale agent-orchestrator="$ORCHESTRATORS" >/dev/null
token=$(new_sandbox_token rolling-restart)
auth="Authorization: Bearer $token"
body="{\"prompt\":\"Compare three vector databases in a Markdown report.\",\"config\":{\"max_agents\":2,\"sandbox\":{\"step_delay_ms\":$STEP_DELAY_MS}}}"

submit() { curl -sf -X POST "$BASE/v1/tasks" -H "$auth" -H 'Content-Type: application/json' -d "$body" | json_value id; }
task_json() { curl -sf "$BASE/v1/tasks/$1" -H "$auth"; }
await_terminal() { # await_terminal ID SECONDS: prints the task's JSON once terminal
  local deadline=$((SECONDS + $2)) json
  while ((SECONDS < deadline)); do
    json=$(task_json "$1") || true
    if grep -q '"status" *: *"\(complete\|failed\|cancelled\)"' <<<"$json"; then echo "$json"; return 0; fi
    sleep 1
  done
  return 1
}
outcome() { # status cost deliverables_count of a task's JSON
  python3 -c 'import json, sys; t = json.load(sys.stdin); print(t["status"], t["cost"], t["deliverables_count"])' <<<"$1"
}

reference=$(outcome "$(await_terminal "$(submit)" 120)")
echo "reference task: $reference (status cost deliverables)"

# The restarts begin once a quarter of the tasks are submitted, while the submissions go on: the
# submissions alone take longer than a task (1-2 minutes for 200 on a busy machine), so restarts
# that waited for the last one found every task finished.
ids_file=$(mktemp)
trap 'rm -f "$ids_file"' EXIT
(for _ in $(seq "$TASKS"); do echo "$(submit)" >>"$ids_file"; done) & # one id a line (json_value adds no newline)
submitter=$!
until (($(wc -l <"$ids_file") >= TASKS / 4)) || ! kill -0 "$submitter" 2>/dev/null; do sleep 0.5; done

for ((k = 1; k <= ORCHESTRATORS; k++)); do
  name=agent-orchestrator$( ((k == 1)) || echo "-$k")
  started=$SECONDS
  ./miteos restart "$name" >/dev/null
  # The stopped process's log (kept as .log.1) says how many runs it suspended and handed over.
  suspended=$(grep -ao 'stopped; [0-9]* task(s) suspended' ".miteos/logs/$name.log.1" 2>/dev/null | tail -1) || true
  echo "restarted $name in $((SECONDS - started)) s (${suspended:-stop not logged}; $(wc -l <"$ids_file") tasks submitted by then)"
done
wait "$submitter"
mapfile -t ids <"$ids_file" # a failed submission is an empty id: counted as stuck
echo "submitted ${#ids[@]} tasks"

complete=0 failed=0 stuck=0 different=0
for id in "${ids[@]}"; do
  if ! json=$(await_terminal "$id" "$SETTLE"); then
    stuck=$((stuck + 1)); echo "stuck: $id" >&2; continue
  fi
  got=$(outcome "$json")
  case $got in
    complete*) complete=$((complete + 1)) ;;
    *) failed=$((failed + 1)); echo "not complete: $id $got" >&2; continue ;;
  esac
  [[ $got == "$reference" ]] || { different=$((different + 1)); echo "different: $id $got" >&2; }
done
./miteos scale agent-orchestrator=1 >/dev/null
echo "rolling restart: tasks=${#ids[@]} orchestrators=$ORCHESTRATORS complete=$complete failed=$failed stuck=$stuck different=$different"
((failed == 0 && stuck == 0 && different == 0 && complete == ${#ids[@]}))
