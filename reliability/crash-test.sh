#!/usr/bin/env bash
#
# reliability/crash-test.sh - the crash test of issue 4 ("Durability") against the local stack.
#
#   reliability/crash-test.sh                                   full: 300 tasks, 2 kills per component
#   reliability/crash-test.sh -Dcrash.tasks=60 -Dcrash.kills=1  reduced
#
# 1. ./miteos up: the stack must be running (it builds and starts whatever is missing).
# 2. ./mvnw -B -pl deploy verify -Pit,crash -Dit.test=CrashIT "$@": runs CrashIT only. Every argument
#    goes to Maven, so -Dcrash.* parameters (see reliability/README.md) reach the test.
# 3. Prints the summary line, and exits with Maven's status: non-zero when any accepted task was
#    lost, stuck, duplicated, charged differently or seen moving backwards.
#
# CrashIT kills the services and the Kafka broker with SIGKILL and restarts them through
# ./miteos, so the stack is left RUNNING afterwards (restarted components included), together
# with whatever tasks the run left unfinished in its own throw-away account. Stop it with
# ./miteos down. Do not run this while anything else depends on the stack.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly SUMMARY="$ROOT/deploy/target/crash-test/summary.txt"

cd "$ROOT"
./miteos up

# The gateway's address as the launcher configured it (deploy/env.sh holds the defaults).
# shellcheck source=../deploy/env.sh
source deploy/env.sh
export MITEOS_BASE_URL="${MITEOS_BASE_URL:-http://127.0.0.1:$MITEOS_GATEWAY_PORT}"

rm -f "$SUMMARY"
status=0
./mvnw -B -pl deploy verify -Pit,crash -Dit.test=CrashIT "$@" || status=$?

echo
if [[ -f $SUMMARY ]]; then
  grep -m 1 '^crash test: accepted=' "$SUMMARY"
  echo "(details: ${SUMMARY#"$ROOT"/})"
else
  echo "crash test: no summary: the test stopped before its verdict (see the Maven output above)" >&2
fi
echo "The stack is still running: ./miteos status, ./miteos down."
exit "$status"
