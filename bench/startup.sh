#!/usr/bin/env bash
#
# Measures how fast ./miteos up gets the stack healthy, and what each process costs in memory:
#   cold  - a fresh clone, an empty Maven repository and no Maven distribution (everything is
#           downloaded and built), as on a new machine;
#   warm  - the same clone after ./miteos down (nothing to build);
#   again - ./miteos up while everything is healthy (must change nothing).
# Run it with nothing of ours listening on the Miteos ports. It leaves nothing running.
#
#   bench/startup.sh --ready   P6 of issue 12, on this checkout as it is (nothing cloned or downloaded):
#                              each service stopped and started again alone while the rest of the stack
#                              runs, its time from launch to healthy (target <= 3 s) and its resident
#                              memory after 10 s idle (target <= 200 MiB), as table rows (bench/lib.sh).
#                              Also the CPU seconds the process had used when it became ready (user +
#                              system, all its threads): it moves less with the machine's load than the
#                              ready time, but still rises with it (the JIT threads go on compiling while
#                              the start waits for a core), so compare it between options run in turn.
#                              STARTUP_RUNS=n (default 1) starts every service n times in turn and
#                              reports the medians (RSS: after the last start).
#                              Uses bench/run's stack, or starts one and stops it at the end.
set -euo pipefail

if [[ ${1:-} == --ready ]]; then
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  # shellcheck source=../deploy/env.sh
  source deploy/env.sh
  # shellcheck source=lib.sh
  source bench/lib.sh
  trap bench_cleanup EXIT
  bench_stack
  services=(api-gateway task-service agent-orchestrator deliverable-service)
  runs=${STARTUP_RUNS:-1}
  tck=$(getconf CLK_TCK)
  declare -A ready=() cpu=()
  for ((run = 1; run <= runs; run++)); do
    for s in "${services[@]}"; do
      ./miteos stop "$s" >/dev/null
      out=$(./miteos restart "$s" 2>&1)
      # CPU time of the whole process (fields 14 and 15 of /proc/PID/stat) right after it answered ready.
      used=$(awk -v t="$tck" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$(<".miteos/pids/$s.pid")/stat")
      printf '# ./miteos restart %s, run %d of %d (load %s)\n%s\n# CPU seconds at ready: %s\n' \
        "$s" "$run" "$runs" "$(load_note)" "$out" "$used" >&2
      ready[$s]+="$(sed -n 's/.*ready (\([0-9.]*\)s).*/\1/p' <<<"$out" | tail -1) "
      cpu[$s]+="$used "
    done
  done
  sleep 10
  for s in "${services[@]}"; do
    rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$(<".miteos/pids/$s.pid")/status")
    r=$(median ${ready[$s]}) c=$(median ${cpu[$s]})
    row P6 "$s ready when started alone (launch to healthy, median of $runs; load $(load_note))" "${r:-?} s" "—" "—" \
      "≤ 3 s" "$(met "${r:-999}" '<=' 3)"
    row P6 "$s CPU seconds used by then (median of $runs)" "${c:-?} s" "—" "—" "—" "—"
    row P6 "$s idle RSS (10 s after its start)" "$rss MiB" "—" "—" "≤ 200 MiB" "$(met "$rss" '<=' 200)"
  done
  exit 0
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
work="$(mktemp -d)"
trap 'cd "$work/clone" 2>/dev/null && ./miteos down >/dev/null 2>&1; rm -rf "$work"' EXIT

git clone -q "$repo" "$work/clone"
cd "$work/clone"
export MAVEN_USER_HOME="$work/maven-home" MAVEN_OPTS="-Dmaven.repo.local=$work/m2"

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $((SECONDS - start)); }

cold=$(seconds ./miteos up)
again=$(seconds ./miteos up)
./miteos down >/dev/null 2>&1
warm=$(seconds ./miteos up)

echo "cold up:  ${cold} s"
echo "warm up:  ${warm} s"
echo "again up: ${again} s"
echo
./miteos status
