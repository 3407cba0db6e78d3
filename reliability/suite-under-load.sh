#!/usr/bin/env bash
#
# reliability/suite-under-load.sh - the whole test suite, N times in a row, on a machine whose
# cores are busy with something else (issue 13: no test may depend on an idle machine).
#
#   reliability/suite-under-load.sh          5 runs of ./miteos test beside `stress-ng --cpu 2`
#   reliability/suite-under-load.sh 2 4      2 runs beside 4 CPU hogs
#
# Each run is a full `./miteos test` (unit, Quarkus, end-to-end and the reduced crash tests),
# exactly as CI runs it. The script stops at the first failing run. Every run's output and a
# summary (one line per run: exit status and duration) are kept in bench/evidence/, so each
# figure quoted in bench/RESULTS.md has its evidence. Needs stress-ng (Debian package
# `stress-ng`; installed with apt-get when missing and running as root).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly ROOT
readonly RUNS=${1:-5}
readonly HOGS=${2:-2}
readonly STAMP=$(date -u +%Y%m%dT%H%M%SZ)
readonly EVIDENCE="$ROOT/bench/evidence/suite-under-load-$STAMP"

if ! command -v stress-ng >/dev/null 2>&1; then
  if ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends stress-ng >/dev/null
  else
    echo "stress-ng is missing: apt-get install stress-ng" >&2
    exit 1
  fi
fi

mkdir -p "$EVIDENCE"
summary="$EVIDENCE/summary.txt"
{
  echo "suite under load: $RUNS run(s) of ./miteos test beside stress-ng --cpu $HOGS"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (with uncommitted changes)')"
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB"
} | tee "$summary"

stress-ng --cpu "$HOGS" --timeout 0 --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true' EXIT

passed=0
for ((run = 1; run <= RUNS; run++)); do
  start=$(date +%s)
  status=0
  (cd "$ROOT" && ./miteos test) >"$EVIDENCE/run-$run.log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  tests=$(grep -hoE 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$EVIDENCE/run-$run.log" |
    awk -F'[:,] *' '{t += $2; f += $4; e += $6; s += $8} END {printf "tests=%d failures=%d errors=%d skipped=%d", t, f, e, s}')
  crash=$(grep -ohE '^crash test: accepted=.*' "$EVIDENCE/run-$run.log" | tr '\n' ';' || true)
  echo "run $run: exit=$status took=${took}s $tests ${crash%;}" | tee -a "$summary"
  # The full log is large and git-ignored (*.log); what is committed is each module's result
  # line, every failure, and the crash tests' summary lines.
  grep -hE 'Tests run: [0-9]+, .*$|FAIL|ERROR\]|^crash test: ' "$EVIDENCE/run-$run.log" |
    grep -vE 'Time elapsed: .* - in |^\[INFO\] *$' >"$EVIDENCE/run-$run.txt" || true
  ((status == 0)) || break
  passed=$((passed + 1))
done

echo "suite under load: $passed of $RUNS runs passed in a row" | tee -a "$summary"
echo "(evidence: ${EVIDENCE#"$ROOT"/})"
((passed == RUNS))
