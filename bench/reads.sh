#!/usr/bin/env bash
#
# bench/reads.sh - P2 of issue 12: GET /v1/tasks/{id} and GET /v1/tasks?limit=20 against
# GET /bench/bare of the same gateway, in one run, and how soon a revoked key stops working.
# Prints table rows (see bench/lib.sh); raw outputs go to stderr.
#
#   bench/reads.sh            (BENCH_SECONDS, BENCH_WARMUP, BENCH_CONNECTIONS: see bench/lib.sh)
#
# Twenty sandbox tasks of a fresh account, so that the list reads a full page; the last one is read
# by id. Maximum throughput with wrk (closed loop): target >= 30 % of the bare endpoint's. Then a
# key is used, revoked through the admin API and tried every 50 ms: target refused within 1 s.
#
# Uses the running stack when bench/run started it, else starts one (limits lifted, /bench/bare on)
# and stops it at the end.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh
# shellcheck source=lib.sh
source bench/lib.sh
trap bench_cleanup EXIT

bench_tools
bench_stack
admin=$(<.miteos/admin-token)
account=$(curl -sf -X POST "$BASE/admin/v1/accounts" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"bench-reads"}' | json_value id)
new_key() {
  curl -sf -X POST "$BASE/admin/v1/accounts/$account/keys" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"mode":"test"}'
}
key=$(new_key)
auth="Authorization: Bearer $(json_value token <<<"$key")"
for _ in $(seq 20); do
  task=$(curl -sf -X POST "$BASE/v1/tasks" -H "$auth" -H 'Content-Type: application/json' -d "$BENCH_BODY" | json_value id)
done
# Read what the read model serves, not the gateway's fallback for tasks it has not projected yet.
for _ in $(seq 60); do
  [[ $(curl -sf "$BASE/v1/tasks?limit=20" -H "$auth" | json_value total) == 20 ]] && break
  sleep 1
done

read -r bare_rps _ bare_p99 _ _ < <(wrk_max "$BASE/bench/bare" GET)
read -r get_rps get_p50 get_p99 get_bad _ < <(wrk_max "$BASE/v1/tasks/$task" GET "$auth")
read -r list_rps list_p50 list_p99 list_bad _ < <(wrk_max "$BASE/v1/tasks?limit=20" GET "$auth")
r=$(ratio "$get_rps" "$bare_rps")
row P2 "GET /v1/tasks/{id} max req/s (wrk -c$BENCH_CONNECTIONS; p50 $get_p50 ms, p99 $get_p99 ms; non-2xx $get_bad; load $(load_note))" \
  "$get_rps" "$bare_rps (GET /bench/bare, p99 $bare_p99 ms)" "$r" "≥ 0.30" "$(met "$r" '>=' 0.30)"
r=$(ratio "$list_rps" "$bare_rps")
row P2 "GET /v1/tasks?limit=20 max req/s (wrk -c$BENCH_CONNECTIONS; p50 $list_p50 ms, p99 $list_p99 ms; non-2xx $list_bad)" \
  "$list_rps" "$bare_rps (GET /bench/bare)" "$r" "≥ 0.30" "$(met "$r" '>=' 0.30)"

# Revocation: a key in use, revoked, must be refused within 1 s.
key=$(new_key)
token=$(json_value token <<<"$key")
curl -sf -o /dev/null "$BASE/v1/tasks?limit=1" -H "Authorization: Bearer $token"
curl -sf -o /dev/null -X DELETE "$BASE/admin/v1/keys/$(json_value id <<<"$key")" -H "Authorization: Bearer $admin"
t0=$(date +%s%3N)
refused_after=''
while (($(date +%s%3N) - t0 < 5000)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/tasks?limit=1" -H "Authorization: Bearer $token")
  if [[ $code == 401 ]]; then refused_after=$(($(date +%s%3N) - t0)); break; fi
  sleep 0.05
done
row P2 "a revoked key is refused after (first request every 50 ms)" "${refused_after:-> 5000} ms" "—" "—" "≤ 1000 ms" \
  "$([[ -n $refused_after ]] && met "$refused_after" '<=' 1000 || echo '**not met**')"
