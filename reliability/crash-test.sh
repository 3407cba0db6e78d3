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
# 4. Keeps the evidence: the summary file and the whole Maven output of the run (tokens masked)
#    go to bench/evidence/crash-<UTC date>-<seed>.txt, next to bench/RESULTS.md, with the commit
#    and the machine it ran on. A figure recorded in RESULTS.md names its evidence file.
#
# CrashIT kills the services and the Kafka broker with SIGKILL (SIGTERM with -Dcrash.signal=TERM),
# restarts PostgreSQL, and restarts everything through ./miteos, so the stack is left RUNNING
# afterwards (restarted components included), together with whatever tasks the run left
# unfinished in its own throw-away account. Stop it with ./miteos down. Do not run this while
# anything else depends on the stack.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly SUMMARY="$ROOT/deploy/target/crash-test/summary.txt"
readonly EVIDENCE_DIR="$ROOT/bench/evidence"

cd "$ROOT"
./miteos up

# The gateway's address as the launcher configured it (deploy/env.sh holds the defaults).
# shellcheck source=../deploy/env.sh
source deploy/env.sh
export MITEOS_BASE_URL="${MITEOS_BASE_URL:-http://127.0.0.1:$MITEOS_GATEWAY_PORT}"

rm -f "$SUMMARY"
output=$(mktemp)
trap 'rm -f "$output"' EXIT
started=$(date +%s)
status=0
./mvnw -B -ntp -pl deploy verify -Pit,crash -Dit.test=CrashIT "$@" 2>&1 | tee "$output" || status=$?
took=$(($(date +%s) - started))

# keep_evidence: bench/evidence/crash-<date>-<seed>.txt from the summary and the Maven output.
keep_evidence() {
  local seed stamp file commit
  seed=$(grep -m 1 -o 'seed=-\?[0-9]*' "$SUMMARY" | cut -d= -f2) || seed=unknown
  stamp=$(date -u +%Y%m%dT%H%MZ)
  file="$EVIDENCE_DIR/crash-$stamp-$seed.txt"
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  [[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+=" (with uncommitted changes)"
  mkdir -p "$EVIDENCE_DIR"
  {
    echo "# reliability/crash-test.sh $*"
    echo "# finished $(date -u +%Y-%m-%dT%H:%M:%SZ), took ${took} s, exit status $status"
    echo "# commit $commit; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "== summary (deploy/target/crash-test/summary.txt)"
    cat "$SUMMARY"
    echo
    echo "== Maven output"
    cat "$output"
  } | sed -E 's/mt_(live|test)_[A-Za-z0-9]+/mt_\1_…/g' >"$file"
  echo "(evidence: ${file#"$ROOT"/})"
}

echo
if [[ -f $SUMMARY ]]; then
  grep -m 1 '^crash test: accepted=' "$SUMMARY"
  echo "(details: ${SUMMARY#"$ROOT"/}; took ${took} s)"
  keep_evidence "$@"
else
  echo "crash test: no summary: the test stopped before its verdict (see the Maven output above)" >&2
fi
echo "The stack is still running: ./miteos status, ./miteos down."
exit "$status"
