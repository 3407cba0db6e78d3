#!/usr/bin/env bash
#
# reliability/scale-smoke.sh - several instances of a service through ./miteos (issue 9), checked
# on this machine in a minute or two.
#
#   reliability/scale-smoke.sh
#
# 1. ./miteos up --scale agent-orchestrator=2,api-gateway=2: a second orchestrator and gateway
#    beside whatever runs already (the stack is started if it is not).
# 2. Each instance is ready on its own port and runs with its own MITEOS_INSTANCE_ID.
# 3. A sandbox task POSTed through gateway 2 completes, read through gateway 1, and the other way
#    round.
# 4. ./miteos kill agent-orchestrator-2 (SIGKILL): status says dead; ./miteos up starts it again.
#    ./miteos stop agent-orchestrator-2 (SIGTERM): status says stopped.
# 5. ./miteos scale agent-orchestrator=1,api-gateway=1 (also on failure): the extra instances are
#    gone, pid files included; the stack is left running with one of each.
#
# Every wait is bounded and polls a condition. Exits non-zero at the first failed check.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly TASK_TIMEOUT=${SCALE_SMOKE_TASK_TIMEOUT:-120} # seconds for a sandbox task to complete
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh

readonly GATEWAY_1=$MITEOS_GATEWAY_PORT
readonly GATEWAY_2=$((MITEOS_GATEWAY_PORT + MITEOS_INSTANCE_PORT_STEP))
readonly ORCHESTRATOR_2=$((MITEOS_ORCHESTRATOR_PORT + MITEOS_INSTANCE_PORT_STEP))

fail() { printf 'scale smoke: FAILED: %s\n' "$*" >&2; exit 1; }
check() { printf '  ✓ %s\n' "$*"; }

scale_back() {
  local rc=$?
  trap - EXIT
  echo "== ./miteos scale agent-orchestrator=1,api-gateway=1"
  ./miteos scale agent-orchestrator=1,api-gateway=1 >/dev/null || rc=1
  for name in agent-orchestrator-2 api-gateway-2; do
    [[ ! -e .miteos/pids/$name.pid ]] || { echo "scale smoke: FAILED: $name still has a pid file" >&2; rc=1; }
  done
  if ((rc == 0)); then echo "scale smoke: passed"; else echo "scale smoke: FAILED (exit status $rc)" >&2; fi
  exit "$rc"
}
trap scale_back EXIT

# status_of NAME: the STATE column of NAME in ./miteos status.
status_of() {
  ./miteos status | awk -v name="$1" '$1 == name { print $2 }'
}

# instance_id_of NAME: MITEOS_INSTANCE_ID in the environment of NAME's process.
instance_id_of() {
  tr '\0' '\n' <"/proc/$(<".miteos/pids/$1.pid")/environ" | sed -n 's/^MITEOS_INSTANCE_ID=//p'
}

# await WHAT SECONDS COMMAND...: poll COMMAND every half second until it succeeds.
await() {
  local what=$1 seconds=$2 deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what (not within ${seconds}s)"
    sleep 0.5
  done
}

ready() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$1/q/health/ready"; }

# api PORT METHOD PATH [JSON]: call a gateway instance as the demo account.
api() {
  local -a args=(-fsS -m 15 -X "$2")
  [[ -z ${4:-} ]] || args+=(-H 'Content-Type: application/json' -d "$4")
  # The token comes through a file descriptor: on curl's command line every local user could read it.
  curl "${args[@]}" -H @<(printf 'Authorization: Bearer %s\n' "$TOKEN") "http://127.0.0.1:$1$3" ||
    fail "$2 $3 on port $1"
}

task_status() { api "$1" GET "/v1/tasks/$2" 2>/dev/null | jq -r .status; }
task_completes() { [[ $(task_status "$1" "$2") == complete ]]; }

# submit_and_follow IN OUT: POST a sandbox task through gateway port IN, await it through OUT.
submit_and_follow() {
  local id
  id=$(api "$1" POST /v1/tasks '{"prompt":"Compare three vector databases in a short Markdown file.","config":{"max_agents":2,"autonomy_level":70,"auto_deploy":false}}' | jq -r .id)
  [[ -n $id && $id != null ]] || fail "no task id from POST /v1/tasks on port $1"
  await "task $id (posted on port $1) complete on port $2" "$TASK_TIMEOUT" task_completes "$2" "$id"
  check "task $id posted through port $1 completed, seen through port $2"
}

echo "== ./miteos up --scale agent-orchestrator=2,api-gateway=2"
./miteos up --scale agent-orchestrator=2,api-gateway=2 >/dev/null
TOKEN=$(<.miteos/demo-token)
for port in "$GATEWAY_1" "$GATEWAY_2" "$MITEOS_ORCHESTRATOR_PORT" "$ORCHESTRATOR_2"; do
  ready "$port" || fail "nothing ready on port $port"
done
check "ready on ports $GATEWAY_1 $GATEWAY_2 (gateways) and $MITEOS_ORCHESTRATOR_PORT $ORCHESTRATOR_2 (orchestrators)"
for name in agent-orchestrator agent-orchestrator-2 api-gateway api-gateway-2; do
  [[ $(status_of "$name") == running ]] || fail "./miteos status does not show $name running"
done
check "./miteos status shows both instances of each"
[[ $(instance_id_of agent-orchestrator) == agent-orchestrator-1 ]] || fail "instance 1 is not agent-orchestrator-1"
[[ $(instance_id_of agent-orchestrator-2) == agent-orchestrator-2 ]] || fail "instance 2 is not agent-orchestrator-2"
check "MITEOS_INSTANCE_ID agent-orchestrator-1 and agent-orchestrator-2"

echo "== a task through each gateway"
submit_and_follow "$GATEWAY_2" "$GATEWAY_1"
submit_and_follow "$GATEWAY_1" "$GATEWAY_2"

echo "== kill, up, stop one orchestrator instance"
./miteos kill agent-orchestrator-2 >/dev/null
[[ $(status_of agent-orchestrator-2) == dead ]] || fail "after kill, agent-orchestrator-2 is not dead"
check "./miteos kill agent-orchestrator-2: dead"
./miteos up >/dev/null
ready "$ORCHESTRATOR_2" || fail "./miteos up did not bring agent-orchestrator-2 back"
[[ $(status_of agent-orchestrator) == running ]] || fail "agent-orchestrator (instance 1) is not running"
check "./miteos up: agent-orchestrator-2 ready again"
./miteos stop agent-orchestrator-2 >/dev/null
[[ $(status_of agent-orchestrator-2) == stopped ]] || fail "after stop, agent-orchestrator-2 is not stopped"
check "./miteos stop agent-orchestrator-2: stopped"
