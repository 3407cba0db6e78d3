#!/usr/bin/env bash
#
# bench/floors.sh - what this machine's PostgreSQL alone can do, next to the gateway's bare endpoint,
# in one run: whether P1's and P2's ratio targets (issue 12) fit on the machine at all. Prints table
# rows (see bench/lib.sh); raw outputs go to stderr.
#
#   bench/floors.sh           (BENCH_SECONDS, BENCH_WARMUP, BENCH_CONNECTIONS: see bench/lib.sh)
#
# A POST is answered once its submission is durable (one committed row of task_submissions), and a
# GET reads the read model. So, with every core given to PostgreSQL and nothing else working (no
# gateway, no Kafka, no load generator but pgbench):
#   1. committed inserts per second of a task_submissions row (the gateway's own table and indexes,
#      copied into a scratch database), one row per transaction, BENCH_CONNECTIONS clients;
#   2. the same with 16 rows per transaction (what the gateway's group commit can reach at best);
#   3. point reads per second by primary key (pgbench's built-in select-only script, scale 10);
# each with the CPU PostgreSQL spent per row or read. Next to them: the bare endpoint's req/s (wrk, as
# in bench/intake.sh and bench/reads.sh), the rate P1 (>= 20 % of bare) and P2 (>= 30 % of bare) ask
# for, and the CPU budget per request that rate leaves on this machine's cores for everything (gateway,
# read model, Kafka, PostgreSQL and the load generator). When PostgreSQL's own CPU per request is over
# that budget, no gateway, however cheap, meets the target on this machine.
#
# Uses the running stack when bench/run started it, else starts one (limits lifted, /bench/bare on)
# and stops it at the end. The scratch database miteos_bench_floors is dropped at the end.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source bench/lib.sh

db=miteos_bench_floors
pg=(-h "$MITEOS_DB_HOST" -p "$MITEOS_DB_PORT" -U "$MITEOS_DB_USER")
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)
[[ -x $pgbench ]] || { echo "pgbench is missing (Debian: postgresql-contrib or the server package)" >&2; exit 1; }
cleanup() {
  psql "${pg[@]}" -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  bench_cleanup
}
trap cleanup EXIT

bench_tools
bench_stack

# The bare endpoint first, while the stack is warm; then the stack stays idle during pgbench.
read -r bare_get _ < <(wrk_max "$BASE/bench/bare" GET)
read -r bare_post _ < <(wrk_max "$BASE/bench/bare" POST)

psql "${pg[@]}" -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
pg_dump "${pg[@]}" -s -t task_submissions miteos_gateway | psql "${pg[@]}" -d "$db" -q >/dev/null
cat >"$BENCH_TMP/insert1.sql" <<'SQL'
INSERT INTO task_submissions (task_id, account_id, mode, idempotency_key, request_hash, prompt, config, created_at)
VALUES ('task_' || md5(random()::text), 'acct_floor_' || :client_id, 'test', md5(random()::text), repeat('0', 64),
        'Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.',
        '{"max_agents":1,"max_cost":10}'::jsonb, now());
SQL
{
  echo 'BEGIN;'
  for _ in $(seq 16); do sed -n '1,$p' "$BENCH_TMP/insert1.sql"; done
  echo 'COMMIT;'
} >"$BENCH_TMP/insert16.sql"

# pg_ticks: user + system clock ticks of the PostgreSQL server on MITEOS_DB_PORT now: its postmaster
# with the backends it has reaped (cutime, cstime: pgbench's own backends end with it) and its live
# backends; not another cluster's on the same machine.
pg_ticks() {
  local postmaster pid
  postmaster=$(ss -Hltnp "sport = :$MITEOS_DB_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [[ -n $postmaster ]] || { echo 0; return; }
  {
    sed 's/.*) //' "/proc/$postmaster/stat" | awk '{ print $12 + $13 + $14 + $15 }'
    for pid in $(pgrep -P "$postmaster"); do
      { sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null || true; } | awk '{ print $12 + $13 }'
    done
  } | awk '{ t += $1 } END { print t + 0 }'
}

# tps NAME ROWS_PER_TX ARGS...: "transactions/s  PostgreSQL CPU µs per row" of a pgbench run
# (transactions/s excluding connection set-up; CPU of every PostgreSQL process over the run).
tps() {
  local name=$1 rows=$2 out before after
  shift 2
  "$pgbench" "${pg[@]}" -n -c "$BENCH_CONNECTIONS" -j 2 -T "$BENCH_WARMUP" "$@" "$db" >/dev/null 2>&1 || true
  before=$(pg_ticks)
  out=$("$pgbench" "${pg[@]}" -n -c "$BENCH_CONNECTIONS" -j 2 -T "$BENCH_SECONDS" "$@" "$db" 2>&1)
  after=$(pg_ticks)
  printf '# pgbench %s (load %s; PostgreSQL ticks %s)\n%s\n' "$name" "$(load_note)" "$((after - before))" "$out" >&2
  awk -v hz="$(getconf CLK_TCK)" -v ticks="$((after - before))" -v rows="$rows" -v s="$BENCH_SECONDS" '
    /^number of transactions actually processed/ { split($0, f, ": "); n = f[2] + 0 }
    /^tps = / { tps = $3 }
    END { printf "%.0f %.0f\n", tps, (n > 0 ? ticks / hz * 1e6 / (n * rows) : 0) }' <<<"$out"
}
read -r insert1 cpu1 < <(tps insert1 1 -f "$BENCH_TMP/insert1.sql")
read -r insert16 cpu16 < <(tps insert16 16 -f "$BENCH_TMP/insert16.sql")
rows16=$((insert16 * 16))
"$pgbench" "${pg[@]}" -i -q -s 10 "$db" >/dev/null 2>&1
read -r select cpu_select < <(tps select 1 -S)
sync=$(psql "${pg[@]}" -d postgres -tAc "SELECT current_setting('synchronous_commit') || ', fsync ' || current_setting('fsync')")

# The CPU budget a target leaves for one request, all processes together: the machine's cores
# divided by the request rate the target asks. budget RATE: microseconds.
budget() { awk -v r="$1" -v c="$(nproc)" 'BEGIN { printf "%.0f", c * 1e6 / r }'; }
# fits SPENT BUDGET: whether PostgreSQL's own CPU per request leaves anything of the budget.
fits() { awk -v s="$1" -v b="$2" 'BEGIN { print (s < b ? "fits, " b - s " µs left" : "**cannot fit**") }'; }
p1=$(awk -v b="$bare_post" 'BEGIN { printf "%.0f", b * 0.20 }')
p2=$(awk -v b="$bare_get" 'BEGIN { printf "%.0f", b * 0.30 }')
b1=$(budget "$p1") b2=$(budget "$p2")
row P1 "floor: PostgreSQL alone, one committed task_submissions row per transaction: $insert1/s at $cpu1 µs of PostgreSQL CPU per row (pgbench -c$BENCH_CONNECTIONS; synchronous_commit $sync; load $(load_note))" \
  "$cpu1 µs/row" "$bare_post POST/s bare: P1 asks $p1/s, $b1 µs of CPU per POST on $(nproc) cores" "$(ratio "$cpu1" "$b1")" "< $b1 µs" "$(fits "$cpu1" "$b1")"
row P1 "floor: the same, 16 rows per transaction (the best group commit can do): $rows16 rows/s" \
  "$cpu16 µs/row" "$b1 µs per POST" "$(ratio "$cpu16" "$b1")" "< $b1 µs" "$(fits "$cpu16" "$b1")"
row P2 "floor: PostgreSQL alone, point reads by primary key: $select/s (pgbench -S -c$BENCH_CONNECTIONS)" \
  "$cpu_select µs/read" "$bare_get GET/s bare: P2 asks $p2/s, $b2 µs of CPU per GET" "$(ratio "$cpu_select" "$b2")" "< $b2 µs" "$(fits "$cpu_select" "$b2")"
