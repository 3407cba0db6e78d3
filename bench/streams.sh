#!/usr/bin/env bash
#
# Issue 11's stream proof: N concurrent GET /v1/tasks/{id}/events streams on one gateway, and
# what they cost it. Against a running stack (./miteos up, or bench/run's), it creates sandbox
# tasks (STREAM_TASKS, slow: step_delay_ms 10000, so they outlive the wait), opens N streams spread over them with curl (keys
# of one account: MITEOS_MAX_STREAMS_PER_KEY must be >= N / STREAM_KEYS), waits STREAM_SECONDS,
# and prints the gateway's resident memory before and with the streams open, its heap after a GC
# (jcmd), and how many streams were still open at the end. Not run in CI; not meant for a shared
# machine.
#
#   bench/streams.sh [N=1000]      env: STREAM_TASKS (20), STREAM_KEYS (50), STREAM_SECONDS (10; a sandbox task with 10 s steps ends after about 30 s)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../deploy/env.sh
source deploy/env.sh

n=${1:-1000}
tasks=${STREAM_TASKS:-20}
keys=${STREAM_KEYS:-50}
seconds=${STREAM_SECONDS:-10}
base="http://127.0.0.1:${MITEOS_GATEWAY_PORT}"
admin="Authorization: Bearer $(cat .miteos/admin-token)"
pid=$(cat .miteos/pids/api-gateway.pid)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

rss() { awk '/VmRSS/ {print int($2 / 1024) " MiB"}' "/proc/$pid/status"; }
heap() { jcmd "$pid" GC.run >/dev/null 2>&1; jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ {print; exit}'; }

account=$(curl -sf -X POST "$base/admin/v1/accounts" -H "$admin" -H 'Content-Type: application/json' \
  -d '{"name":"bench-streams"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
for ((k = 0; k < keys; k++)); do
  curl -sf -X POST "$base/admin/v1/accounts/$account/keys" -H "$admin" -H 'Content-Type: application/json' \
    -d '{"mode":"test"}' | sed -E 's/.*"token":"([^"]+)".*/\1/' >> "$work/tokens"
  echo >> "$work/tokens" # the answer ends without a newline
done
mapfile -t tokens < "$work/tokens"
for ((t = 0; t < tasks; t++)); do
  curl -sf -X POST "$base/v1/tasks" -H "Authorization: Bearer ${tokens[t % keys]}" -H 'Content-Type: application/json' \
    -d '{"prompt":"Compare three vector databases.","config":{"sandbox":{"step_delay_ms":10000}}}' \
    | sed -E 's/.*"id":"([^"]+)".*/\1/' >> "$work/tasks"
  echo >> "$work/tasks"
done
mapfile -t ids < "$work/tasks"

echo "gateway before: $(rss); $(heap)"
for ((i = 0; i < n; i++)); do
  curl -sN "$base/v1/tasks/${ids[i % tasks]}/events" -H "Authorization: Bearer ${tokens[i % keys]}" \
    > "$work/stream-$i" 2>/dev/null &
done
sleep "$seconds"
echo "gateway with $n streams open for ${seconds} s: $(rss); $(heap)"
jobs -rp > "$work/running" # not in $( ): a command substitution's subshell sees no jobs
open=$(wc -l < "$work/running")
refused=$( (grep -l 'too-many-streams' "$work"/stream-* 2>/dev/null || true) | wc -l)
fed=$( (grep -l '^id:' "$work"/stream-* 2>/dev/null || true) | wc -l)
echo "streams still open: $open of $n (refused by the per-key cap: $refused; received events: $fed)"
