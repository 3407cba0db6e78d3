#!/usr/bin/env bash
# usage: measure.sh LABEL  -- one A/B leg on the running stack of this worktree (orchestrator stopped):
#   1. CPU per POST: N POSTs (wrk, 16 connections, fixed count via -d with a request counter is not
#      possible, so: a timed wrk run, POSTs counted from task_submissions), CPU seconds of the gateway,
#      task-service, PostgreSQL (postmaster + backends, exited ones included) and Kafka from /proc,
#      read before the run and after the read model has caught up; the idle CPU of the same length
#      measured just before is reported next to it.
#   2. max req/s POST /v1/tasks vs POST /bench/bare (bench/lib.sh wrk_max), p50/p99 closed loop.
#   3. p99 at half the POST rate, open model (bench/OpenLoad.java), bare at the same rate.
# env: SECS (10), WARM (5), JFR=1 records the gateway (cpu + allocation) during step 1.
set -uo pipefail
source /tmp/intake2-ab/env.sh
source deploy/env.sh
export BENCH_SECONDS=${SECS:-10} BENCH_WARMUP=${WARM:-5}
source bench/lib.sh
bench_tools
BASE="http://127.0.0.1:$MITEOS_GATEWAY_PORT"
label=$1; out=bench/evidence/intake-cpu-20261204/$label; mkdir -p "$out"
pid() { cat ".miteos/pids/$1.pid"; }
jcpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
pgcpu() {
  local pm; pm=$(head -1 .miteos/pg/data/postmaster.pid)
  { awk '{print $14+$15+$16+$17}' "/proc/$pm/stat"; for c in $(pgrep -P "$pm"); do awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null; done; } | awk '{s+=$1} END {print s}'
}
snap() { echo "$(jcpu "$(pid api-gateway)") $(jcpu "$(pid task-service)") $(pgcpu) $(jcpu "$(pid kafka)")"; }
psqlq() { psql -h 127.0.0.1 -p "$MITEOS_DB_PORT" -U postgres -d miteos_gateway -tAc "$1"; }
hz=$(getconf CLK_TCK)
{
echo "# $label  $(date -u +%FT%TZ)  gateway jar $(sha1sum < api-gateway/target/quarkus-app/app/api-gateway-*.jar | cut -c1-12)  task-service jar $(sha1sum < task-service/target/quarkus-app/app/task-service-*.jar | cut -c1-12)"
echo "load before: $(cat /proc/loadavg)"
token=$(new_sandbox_token "cpu-$label")
auth="Authorization: Bearer $token"
# warm-up of both routes (JIT), not counted
WRK_METHOD=POST WRK_BODY_FILE="$BENCH_TMP/body.json" wrk -t2 -c16 -d"${BENCH_WARMUP}s" -s "$BENCH_TMP/wrk.lua" -H "$auth" "$BASE/v1/tasks" >/dev/null 2>&1
WRK_METHOD=POST WRK_BODY_FILE="$BENCH_TMP/body.json" wrk -t2 -c16 -d"${BENCH_WARMUP}s" -s "$BENCH_TMP/wrk.lua" "$BASE/bench/bare" >/dev/null 2>&1
sleep 5
# idle CPU over the same length as the POST run
i0=($(snap)); sleep "$BENCH_SECONDS"; i1=($(snap))
token=$(new_sandbox_token "cpu2-$label"); auth="Authorization: Bearer $token"; echo "$token" > "$out/token"
before=$(psqlq "SELECT count(*) FROM task_submissions")
c0=($(snap)); t0=$(date +%s.%N)
if [[ ${JFR:-0} == 1 ]]; then jcmd "$(pid api-gateway)" JFR.start name=m settings=profile filename="$PWD/$out/post.jfr" >/dev/null; fi
if [[ -n ${FIXED_RATE:-} ]]; then  # open model at a fixed rate: the same work per second for A and B
wrkout=$(BENCH_WARMUP=0 open_load "$BASE/v1/tasks" POST "$FIXED_RATE" "$auth" 2>/dev/null)
else
wrkout=$(WRK_METHOD=POST WRK_BODY_FILE="$BENCH_TMP/body.json" wrk -t2 -c16 -d"${BENCH_SECONDS}s" --latency --timeout 10s -s "$BENCH_TMP/wrk.lua" -H "$auth" "$BASE/v1/tasks" 2>&1)
fi
if [[ ${JFR:-0} == 1 ]]; then jcmd "$(pid api-gateway)" JFR.stop name=m >/dev/null; fi
t1=$(date +%s.%N)
# wait for the read model and the stamps to catch up (counted in), at most 60 s
for i in $(seq 1 120); do
  left=$(psqlq "SELECT count(*) FROM task_submissions WHERE published_at IS NULL OR projected_at IS NULL")
  [[ $left == 0 ]] && break; sleep 0.5
done
c1=($(snap)); t2=$(date +%s.%N)
n=$(( $(psqlq "SELECT count(*) FROM task_submissions") - before ))
echo "$wrkout" | sed -n '/Latency Distribution/,$p;/^rate=/p'
echo "POSTs stored: $n in $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.1f", b-a}') s (caught up $(awk -v a=$t1 -v b=$t2 'BEGIN{printf "%.1f", b-a}') s later, left $left); load after: $(cat /proc/loadavg)"
names=(gateway task-service postgresql kafka)
for k in 0 1 2 3; do
  awk -v name="${names[$k]}" -v a="${c0[$k]}" -v b="${c1[$k]}" -v ia="${i0[$k]}" -v ib="${i1[$k]}" -v n="$n" -v hz="$hz" -v run="$(awk -v a=$t0 -v b=$t2 'BEGIN{print b-a}')" -v secs="$BENCH_SECONDS" \
    'BEGIN { cpu = (b - a) / hz; idle = (ib - ia) / hz / secs * run; printf "cpu %-12s %6.2f s = %5.2f ms/POST  (idle over the same time %5.2f s; net %5.2f ms/POST)\n", name, cpu, 1000 * cpu / n, idle, 1000 * (cpu - idle) / n }'
done
} 2>&1 | tee "$out/cpu.txt"
if [[ ${RATES:-1} == 1 ]]; then
token=$(<"$out/token")
{
read -r bare_rps bp50 bp99 _ _ < <(wrk_max "$BASE/bench/bare" POST 2>>"$out/raw.txt")
read -r post_rps pp50 pp99 bad err < <(wrk_max "$BASE/v1/tasks" POST "Authorization: Bearer $token" 2>>"$out/raw.txt")
echo "max: bare $bare_rps req/s (p50 $bp50 p99 $bp99 ms); POST $post_rps req/s (p50 $pp50 p99 $pp99 ms, non2xx $bad err $err); ratio $(ratio "$post_rps" "$bare_rps"); load $(load_note)"
half=$(awk -v r="$post_rps" 'BEGIN { h = r / 2; printf "%.0f", (h < 1 ? 1 : h) }')
bl=$(open_load "$BASE/bench/bare" POST "$half" 2>>"$out/raw.txt")
pl=$(open_load "$BASE/v1/tasks" POST "$half" "Authorization: Bearer $token" 2>>"$out/raw.txt")
echo "half rate $half/s open model: POST $pl"
echo "                               bare $bl ; load $(load_note)"
} 2>&1 | tee -a "$out/cpu.txt"
fi
bench_cleanup
