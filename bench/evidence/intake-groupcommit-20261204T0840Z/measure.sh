#!/usr/bin/env bash
# usage: intake-measure.sh LABEL  (env: SECS, WARM, JFR=1, PGSAMPLE=1)
set -uo pipefail
source /work/intake-env.sh
export BENCH_SECONDS=${SECS:-10} BENCH_WARMUP=${WARM:-5}
source bench/lib.sh
bench_tools
BASE="http://127.0.0.1:$MITEOS_GATEWAY_PORT"
label=$1; out=/work/intake-evidence/$label; mkdir -p $out
token=$(new_sandbox_token "m-$label")
echo "load before: $(cat /proc/loadavg)"
read -r bare_rps bp50 bp99 _ _ < <(wrk_max "$BASE/bench/bare" POST 2>>$out/raw.txt)
echo "bare: $bare_rps req/s p50 $bp50 p99 $bp99"
if [[ ${PGSAMPLE:-1} == 1 ]]; then
  ( sleep $((BENCH_WARMUP+2)); for i in $(seq 1 $((BENCH_SECONDS*2-4))); do
      psql -h 127.0.0.1 -p $MITEOS_DB_PORT -U postgres -d postgres -tAc "select datname, coalesce(wait_event_type,'cpu'), coalesce(wait_event,'-'), state, left(regexp_replace(query,'\s+',' ','g'),60) from pg_stat_activity where state <> 'idle' and pid <> pg_backend_pid() and backend_type='client backend'"; sleep 0.5; done > $out/pgsample.txt ) &
fi
if [[ ${JFR:-0} == 1 ]]; then
  ( sleep $BENCH_WARMUP; jcmd "$(<.miteos/pids/api-gateway.pid)" JFR.start name=m settings=profile filename=$out/post.jfr >/dev/null; sleep $BENCH_SECONDS; jcmd "$(<.miteos/pids/api-gateway.pid)" JFR.stop name=m >/dev/null ) &
fi
cpu0=$(awk '{print $14+$15}' /proc/$(<.miteos/pids/api-gateway.pid)/stat)
read -r post_rps pp50 pp99 bad err < <(wrk_max "$BASE/v1/tasks" POST "Authorization: Bearer $token" 2>>$out/raw.txt)
cpu1=$(awk '{print $14+$15}' /proc/$(<.miteos/pids/api-gateway.pid)/stat)
wait
echo "post: $post_rps req/s p50 $pp50 p99 $pp99 non2xx $bad err $err; ratio $(ratio $post_rps $bare_rps); gateway cpu ticks (warm+run) $((cpu1-cpu0))"
echo "load after: $(cat /proc/loadavg)"
if [[ ${PGSAMPLE:-1} == 1 ]]; then echo "pg samples (datname|wait type|event|state|query):"; cut -d'|' -f1-5 $out/pgsample.txt | sort | uniq -c | sort -rn | head -25; fi
bench_cleanup
