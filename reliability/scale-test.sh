#!/usr/bin/env bash
#
# reliability/scale-test.sh - the scale test of issue 9 ("scale-out") against the local stack.
#
#   reliability/scale-test.sh                                            full: 600 tasks, 3 orchestrators, 2 gateways
#   reliability/scale-test.sh -Dscale.tasks=60 -Dscale.orchestrators=2   reduced
#
# 1. ./miteos up --scale agent-orchestrator=N,api-gateway=G with N and G from -Dscale.orchestrators
#    and -Dscale.gateways among the arguments (defaults 3 and 2): the stack runs scaled.
# 2. ./mvnw -B -pl deploy verify -Pit,scale -Dit.test=ScaleIT "$@": runs ScaleIT only. Every argument
#    goes to Maven, so -Dscale.* parameters (see reliability/README.md) reach the test.
# 3. Prints the summary line, and exits with Maven's status: non-zero when a task was lost, stuck or
#    not complete, two owners overlapped, a pause or resume was lost, or an approval not applied.
# 4. Keeps the evidence: the summary file and the whole Maven output of the run (tokens masked) go
#    to bench/evidence/scale-<UTC date>-<seed>.txt with the commit and the machine it ran on.
#
# ScaleIT adds an orchestrator (./miteos scale), stops one (SIGTERM), kills one (SIGKILL) and
# restarts them (./miteos up), so the stack is left RUNNING with N+1 orchestrators and G gateways.
# ./miteos test needs one of each: ./miteos scale agent-orchestrator=1,api-gateway=1 (or ./miteos down).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly SUMMARY="$ROOT/deploy/target/scale-test/summary.txt"
readonly EVIDENCE_DIR="$ROOT/bench/evidence"

# shellcheck source=lib.sh
source "$ROOT/reliability/lib.sh"
orchestrators=$(property scale.orchestrators 3 "$@")
gateways=$(property scale.gateways 2 "$@")
[[ $orchestrators =~ ^[0-9]+$ && $gateways =~ ^[0-9]+$ ]] || {
  echo "scale test: -Dscale.orchestrators and -Dscale.gateways must be numbers" >&2
  exit 2
}

cd "$ROOT"
./miteos up --scale "agent-orchestrator=$orchestrators,api-gateway=$gateways"

# shellcheck source=../deploy/env.sh
source deploy/env.sh
export MITEOS_BASE_URL="${MITEOS_BASE_URL:-http://127.0.0.1:$MITEOS_GATEWAY_PORT}"

rm -f "$SUMMARY"
output=$(mktemp)
trap 'rm -f "$output"' EXIT
started=$(date +%s)
status=0
./mvnw -B -ntp -pl deploy verify -Pit,scale -Dit.test=ScaleIT "$@" 2>&1 | tee "$output" || status=$?
took=$(($(date +%s) - started))

# keep_evidence: bench/evidence/scale-<date>-<seed>.txt from the summary and the Maven output.
keep_evidence() {
  local seed stamp file commit
  seed=$(grep -m 1 -o 'seed=-\?[0-9]*' "$SUMMARY" | cut -d= -f2) || seed=unknown
  stamp=$(date -u +%Y%m%dT%H%MZ)
  file="$EVIDENCE_DIR/scale-$stamp-$seed.txt"
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  [[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+=" (with uncommitted changes)"
  mkdir -p "$EVIDENCE_DIR"
  {
    echo "# reliability/scale-test.sh $*"
    echo "# finished $(date -u +%Y-%m-%dT%H:%M:%SZ), took ${took} s, exit status $status"
    echo "# commit $commit; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "== summary (deploy/target/scale-test/summary.txt)"
    cat "$SUMMARY"
    echo
    echo "== ./miteos status"
    ./miteos status 2>&1 || true
    echo
    echo "== Maven output"
    cat "$output"
  } | sed -E 's/mt_(live|test)_[A-Za-z0-9]+/mt_\1_…/g' >"$file"
  echo "(evidence: ${file#"$ROOT"/})"
}

echo
if [[ -f $SUMMARY ]]; then
  grep -m 1 '^scale test: accepted=' "$SUMMARY"
  echo "(details: ${SUMMARY#"$ROOT"/}; took ${took} s)"
  keep_evidence "$@"
else
  echo "scale test: no summary: the test stopped before its verdict (see the Maven output above)" >&2
fi
echo "The stack is still running, scaled: ./miteos status; ./miteos scale agent-orchestrator=1,api-gateway=1; ./miteos down."
exit "$status"
