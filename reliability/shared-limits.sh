#!/usr/bin/env bash
#
# reliability/shared-limits.sh - issue 9, "Other services scale too": the per-key rate limit and
# the active-task cap hold across gateway replicas, with real processes.
#
#   reliability/shared-limits.sh                                  2 of each, 8 s at 10x the limit
#   reliability/shared-limits.sh -Dlimits.window=PT15S            a longer window
#
# 1. ./miteos up --scale api-gateway=G,task-service=G,deliverable-service=G (G from -Dlimits.gateways,
#    default 2): gateway k reads from task-service and deliverable-service instance k.
# 2. ./mvnw -B -pl deploy -am verify -Pit,scale -Dit.test=SharedLimitsIT "$@" (every argument goes to
#    Maven; -am builds common-model in the same reactor, so nothing needs to be installed in ~/.m2).
# 3. Prints the summary lines, and exits with Maven's status.
# 4. Keeps the evidence (summary, the gateways' rate-limit settings, ./miteos status, the Maven
#    output) in bench/evidence/shared-limits-<UTC date>.txt.
#
# The limits are the gateways' own (SharedLimitsIT reads them from their answers): settings such as
# MITEOS_RATE_LIMIT_STORE, MITEOS_RATE_LIMIT_RPS or MITEOS_MAX_ACTIVE_TASKS reach a gateway only when
# it starts, e.g. MITEOS_RATE_LIMIT_STORE=local ./miteos restart api-gateway-2. A stack started with
# the rate limit lifted (reliability/lib.sh) is refused by the test. The stack is left RUNNING,
# scaled: ./miteos scale api-gateway=1,task-service=1,deliverable-service=1 (or ./miteos down).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly SUMMARY="$ROOT/deploy/target/shared-limits/summary.txt"
readonly EVIDENCE_DIR="$ROOT/bench/evidence"

# shellcheck source=lib.sh
source "$ROOT/reliability/lib.sh"
gateways=$(property limits.gateways 2 "$@")
[[ $gateways =~ ^[0-9]+$ ]] && ((gateways >= 2)) || {
  echo "shared limits: -Dlimits.gateways must be a number, at least 2" >&2
  exit 2
}

cd "$ROOT"
./miteos up --scale "api-gateway=$gateways,task-service=$gateways,deliverable-service=$gateways"

# shellcheck source=../deploy/env.sh
source deploy/env.sh
export MITEOS_BASE_URL="${MITEOS_BASE_URL:-http://127.0.0.1:$MITEOS_GATEWAY_PORT}"

# gateway_settings: each gateway's rate-limit and cap settings, as it was started (its environment).
gateway_settings() {
  local k name pid
  for ((k = 1; k <= gateways; k++)); do
    name=api-gateway
    ((k == 1)) || name+="-$k"
    pid=$(cat ".miteos/pids/$name.pid" 2>/dev/null) || continue
    printf '%s (pid %s):' "$name" "$pid"
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -E '^MITEOS_(RATE_LIMIT_[A-Z_]+|MAX_ACTIVE_TASKS)=' |
      sort | tr '\n' ' ' || true
    echo "(any not listed: its default)"
  done
}

rm -f "$SUMMARY"
output=$(mktemp)
trap 'rm -f "$output"' EXIT
started=$(date +%s)
status=0
./mvnw -B -ntp -pl deploy -am verify -Pit,scale -Dit.test=SharedLimitsIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.failIfNoSpecifiedTests=false "$@" 2>&1 | tee "$output" || status=$?
took=$(($(date +%s) - started))

echo
if [[ -f $SUMMARY ]]; then
  cat "$SUMMARY"
  file="$EVIDENCE_DIR/shared-limits-$(date -u +%Y%m%dT%H%M%SZ).txt"
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  [[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+=" (with uncommitted changes)"
  mkdir -p "$EVIDENCE_DIR"
  {
    echo "# reliability/shared-limits.sh $*"
    echo "# finished $(date -u +%Y-%m-%dT%H:%M:%SZ), took ${took} s, exit status $status"
    echo "# commit $commit; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "== summary (deploy/target/shared-limits/summary.txt)"
    cat "$SUMMARY"
    echo
    echo "== gateway settings"
    gateway_settings
    echo
    echo "== ./miteos status"
    ./miteos status 2>&1 || true
    echo
    echo "== Maven output"
    cat "$output"
  } | sed -E 's/mt_(live|test)_[A-Za-z0-9]+/mt_\1_…/g' >"$file"
  echo "(evidence: ${file#"$ROOT"/}; took ${took} s)"
else
  echo "shared limits: no summary: the test stopped before its verdict (see the Maven output above)" >&2
fi
echo "The stack is still running, scaled: ./miteos scale api-gateway=1,task-service=1,deliverable-service=1; ./miteos down."
exit "$status"
