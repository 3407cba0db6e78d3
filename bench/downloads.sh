#!/usr/bin/env bash
#
# bench/downloads.sh - P5 of issue 12: a 1 GiB deliverable downloaded through the gateway
# (GET /v1/tasks/{id}/deliverables/{file_id}/download: the gateway locates the file through
# deliverable-service and reads it from S3 itself; before issue 12's P5 change, deliverable-service
# piped the bytes to the gateway)
# against a direct S3 GET of the same object, in the same run; the gateway's RSS; Range answers.
#
#   bench/downloads.sh
#
#   DOWNLOADS_SIZE_MIB=1024   size of the deliverable
#   DOWNLOADS_ROUNDS=3        measured rounds; each downloads the file once directly and once
#                             through the gateway (the order alternates round by round)
#   DOWNLOADS_WARMUP=1        unmeasured rounds first (JIT, pools)
#
# Uses the stack when a gateway answers on MITEOS_GATEWAY_PORT (as under bench/run); otherwise it
# builds this checkout (./mvnw package), starts a stack (./miteos up, rate limits lifted) and stops
# it (./miteos down) when done.
#
# The deliverable arrives the way the orchestrator's do: a new account and sandbox key (admin API),
# a task (POST /v1/tasks), the object PUT into the deliverables bucket under the orchestrator's key
# layout (<account>/test/<task>/<deliverable>), and a DeliverableCreated event on task.deliverable
# (kcat), which deliverable-service projects. The baseline is the listing's own download_url (the
# presigned direct S3 GET clients are given), so both sides read the same object from the same
# S3Proxy. MB/s are 10^6 bytes per second as curl measures them, writing to /dev/null.
#
# The gateway's RSS is read from /proc (VmRSS) before the first download, every 0.1 s during all
# of them (the peak), and after; growth = peak - before. With root, VmHWM is reset first
# (clear_refs) and reported too.
#
# Prints markdown rows `| P5 downloads | figure | value | baseline | ratio | target | met |` on
# stdout; everything (rows, per-round figures, CPU seconds per process, load) is also written to
# bench/evidence/downloads-<UTC timestamp>.txt. The object is deleted at the end (the bench
# account's deliverable record then points to nothing).
#
# Needs curl (with --aws-sigv4, 7.75+) and kcat (Debian packages).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=../deploy/env.sh
source deploy/env.sh

readonly SIZE_MIB=${DOWNLOADS_SIZE_MIB:-1024}
readonly ROUNDS=${DOWNLOADS_ROUNDS:-3}
readonly WARMUP=${DOWNLOADS_WARMUP:-1}
readonly SIZE=$((SIZE_MIB * 1024 * 1024))
readonly GW="http://127.0.0.1:$MITEOS_GATEWAY_PORT"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/evidence
evidence="bench/evidence/downloads-$stamp.txt"
exec > >(tee -a "$evidence")
tee_out=$!
exec 2> >(tee -a "$evidence" >&2)
tee_err=$!

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

for tool in curl kcat; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
done

work=$(mktemp -d)
started_stack=false
object_url=""
sampler=""
cleanup() {
  [[ -n $sampler ]] && kill "$sampler" 2>/dev/null || true
  [[ -n $object_url ]] && s3 -o /dev/null -X DELETE "$object_url" 2>/dev/null || true
  if $started_stack; then ./miteos down >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  # let both tees finish, so that whoever reads our output (bench/run) gets all of it
  exec >&- 2>&-
  wait "$tee_out" "$tee_err" 2>/dev/null || true
}
trap cleanup EXIT

# s3 ARGS...: curl signed for the local S3 (SigV4; S3Proxy needs the payload hash header).
s3() {
  curl -sS --aws-sigv4 "aws:amz:${MITEOS_S3_REGION}:s3" --user "$MITEOS_S3_ACCESS_KEY:$MITEOS_S3_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}
json_field() { grep -o "\"$1\" *: *\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
# A prefixed id as the services make them (26 lowercase Crockford base32 characters).
new_id() { printf '%s_0%s' "$1" "$(LC_ALL=C tr -dc '0-9a-hjkmnp-tv-z' </dev/urandom | head -c 25)"; }

log "machine: $(nproc) cores, load $(load), $(git rev-parse --short=12 HEAD 2>/dev/null || echo '?')"

# --- the stack ---------------------------------------------------------------------------------
if ! curl -sf -o /dev/null -m 2 "$GW/q/health/live"; then
  log "no gateway on port $MITEOS_GATEWAY_PORT: building (package) and starting the stack (rate limits lifted)"
  # package, not ./miteos up's own build (mvn install), so that nothing lands in ~/.m2
  ./mvnw -B -q -ntp -DskipTests package >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; die "build"; }
  started_stack=true
  MITEOS_SKIP_BUILD=true MITEOS_RATE_LIMIT_RPS=1000000 MITEOS_RATE_LIMIT_BURST=1000000 ./miteos up >"$work/up.log" 2>&1 ||
    { tail -40 "$work/up.log" >&2; die "./miteos up"; }
fi
gw_pid=$(<.miteos/pids/api-gateway.pid) || die "no .miteos/pids/api-gateway.pid: is this checkout's stack running?"
[[ -r /proc/$gw_pid/status ]] || die "gateway pid $gw_pid is not running"
pid_of() { cat ".miteos/pids/$1.pid" 2>/dev/null || true; }
ds_pid=$(pid_of deliverable-service)
s3_pid=$(pid_of s3proxy)
admin=${MITEOS_ADMIN_TOKEN:-$(cat .miteos/admin-token 2>/dev/null || true)}
[[ -n $admin ]] || die "no admin token (MITEOS_ADMIN_TOKEN or .miteos/admin-token)"

# --- a deliverable, placed as the orchestrator places them --------------------------------------
api() { # api METHOD PATH TOKEN [JSON]
  local -a args=(-sf -m 30 -X "$1" -H "Authorization: Bearer $3")
  [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' -d "$4")
  curl "${args[@]}" "$GW$2"
}
account=$(api POST /admin/v1/accounts "$admin" '{"name":"bench-downloads"}' | json_field id) || die "create account"
token=$(api POST "/admin/v1/accounts/$account/keys" "$admin" '{"mode":"test"}' | json_field token) || die "create key"
task=$(api POST /v1/tasks "$token" '{"prompt":"Produce a large data file for the download benchmark.","config":{"max_agents":1}}' |
  json_field id) || die "POST /v1/tasks"
file_id=$(new_id dlvr)
key="$account/test/$task/$file_id"
object_url="$MITEOS_S3_ENDPOINT/$MITEOS_S3_BUCKET/$key"
log "account $account, task $task, deliverable $file_id"

s3 -o /dev/null -X PUT "$MITEOS_S3_ENDPOINT/$MITEOS_S3_BUCKET" || true # 409 when it exists
log "writing $SIZE_MIB MiB of random bytes and uploading them to S3"
head -c "$SIZE" /dev/urandom >"$work/file.bin"
code=$(s3 -o /dev/null -w '%{http_code}' -T "$work/file.bin" -H 'Content-Type: application/octet-stream' "$object_url")
[[ $code == 200 ]] || die "PUT $object_url: HTTP $code"
head -c 1024 "$work/file.bin" >"$work/first.bin"
tail -c 1024 "$work/file.bin" >"$work/last.bin"
rm -f "$work/file.bin"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
event=$(printf '{"event_id":"%s","type":"DeliverableCreated","task_id":"%s","account_id":"%s","mode":"test","sequence":1000000,"occurred_at":"%s","payload":{"deliverable_id":"%s","agent_id":"%s","name":"bench-%sMiB.bin","content_type":"application/octet-stream","size_bytes":%d,"object_key":"%s","created_at":"%s"}}' \
  "$(new_id evt)" "$task" "$account" "$now" "$file_id" "$(new_id agnt)" "$SIZE_MIB" "$SIZE" "$key" "$now")
printf '%s\n' "$event" | kcat -P -b "$MITEOS_KAFKA_BOOTSTRAP" -t task.deliverable -k "$task" ||
  die "publish DeliverableCreated"
direct=""
for _ in $(seq 120); do
  listing=$(api GET "/v1/tasks/$task/deliverables" "$token" || true)
  if grep -q "\"$file_id\"" <<<"$listing"; then
    direct=$(grep -o "\"id\" *: *\"$file_id\"[^}]*" <<<"$listing" | grep -o '"download_url" *: *"[^"]*"' |
      cut -d'"' -f4 | sed 's/\\u0026/\&/g')
    break
  fi
  sleep 0.5
done
[[ -n $direct ]] || die "the deliverable was not listed within 60 s"
via_gateway="$GW/v1/tasks/$task/deliverables/$file_id/download"

# --- measurements ------------------------------------------------------------------------------
rss_kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ticks() { [[ -n $1 && -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
hz=$(getconf CLK_TCK)

rss_before=$(rss_kib "$gw_pid" VmRSS)
hwm_reset=false
if echo 5 >"/proc/$gw_pid/clear_refs" 2>/dev/null; then hwm_reset=true; fi
(
  peak=0
  while true; do
    r=$(rss_kib "$gw_pid" VmRSS)
    ((r > peak)) && peak=$r && echo "$peak" >"$work/peak"
    sleep 0.1
  done
) &
sampler=$!

fetch() { # fetch direct|gateway ROUND: one download; appends "side round MB/s seconds cpu..." to results
  local side=$1 round=$2 url out code bytes secs speed g0 d0 s0
  local -a hdr=()
  if [[ $side == gateway ]]; then url=$via_gateway hdr=(-H "Authorization: Bearer $token"); else url=$direct; fi
  g0=$(cpu_ticks "$gw_pid") d0=$(cpu_ticks "$ds_pid") s0=$(cpu_ticks "$s3_pid")
  out=$(curl -s -o /dev/null -m 600 "${hdr[@]}" -w '%{http_code} %{size_download} %{time_total} %{speed_download}' "$url")
  read -r code bytes secs speed <<<"$out"
  [[ $code == 200 && $bytes == "$SIZE" ]] || die "$side download: HTTP $code, $bytes of $SIZE bytes"
  printf '%-8s %-6s %8.1f MB/s %7.2f s  cpu s: gateway %5.2f deliverable-service %5.2f s3proxy %5.2f  load %s\n' \
    "$side" "$round" "$(awk -v s="$speed" 'BEGIN {print s / 1e6}')" "$secs" \
    "$(awk -v a="$g0" -v b="$(cpu_ticks "$gw_pid")" -v h="$hz" 'BEGIN {print (b - a) / h}')" \
    "$(awk -v a="$d0" -v b="$(cpu_ticks "$ds_pid")" -v h="$hz" 'BEGIN {print (b - a) / h}')" \
    "$(awk -v a="$s0" -v b="$(cpu_ticks "$s3_pid")" -v h="$hz" 'BEGIN {print (b - a) / h}')" "$(load)" |
    tee -a "$work/results" >&2
}

log "downloads of $SIZE_MIB MiB: $WARMUP warm-up round(s), $ROUNDS measured; gateway RSS before: $((rss_before / 1024)) MiB"
for ((r = 1; r <= WARMUP; r++)); do fetch direct "warm$r"; fetch gateway "warm$r"; done
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then fetch direct "$r"; fetch gateway "$r"; else fetch gateway "$r"; fetch direct "$r"; fi
done
sleep 0.3
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
rss_after=$(rss_kib "$gw_pid" VmRSS)
rss_peak=$(cat "$work/peak" 2>/dev/null || echo "$rss_after")
((rss_after > rss_peak)) && rss_peak=$rss_after
hwm=$(rss_kib "$gw_pid" VmHWM)

# --- ranges ------------------------------------------------------------------------------------
range() { # range SPEC: "<status> <bytes> <content-range>" through the gateway, body in $work/range.bin
  curl -s -o "$work/range.bin" -D "$work/range.hdr" -H "Authorization: Bearer $token" -H "Range: $1" \
    -w '%{http_code} %{size_download}' "$via_gateway"
  printf ' %s' "$(tr -d '\r' <"$work/range.hdr" | awk -F': ' 'tolower($1) == "content-range" {print $2}')"
}
read -r r1_code r1_bytes r1_cr <<<"$(range bytes=0-1023)"
r1_same=$(cmp -s "$work/range.bin" "$work/first.bin" && echo same || echo different)
read -r r2_code r2_bytes r2_cr <<<"$(range bytes=-1024)"
r2_same=$(cmp -s "$work/range.bin" "$work/last.bin" && echo same || echo different)
read -r r3_code _ r3_cr <<<"$(range "bytes=$SIZE-")"
log "Range bytes=0-1023: $r1_code, $r1_bytes bytes ($r1_same as the file's first KiB), Content-Range $r1_cr"
log "Range bytes=-1024: $r2_code, $r2_bytes bytes ($r2_same as the file's last KiB), Content-Range $r2_cr"
log "Range bytes=$SIZE-: $r3_code, Content-Range $r3_cr"

# --- report ------------------------------------------------------------------------------------
median() { awk -v s="$1" '$1 == s && $2 !~ /^warm/ {print $3}' "$work/results" | sort -n |
  awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
direct_mbs=$(median direct)
gateway_mbs=$(median gateway)
ratio=$(awk -v g="$gateway_mbs" -v d="$direct_mbs" 'BEGIN {printf "%.2f", g / d}')
growth=$(((rss_peak - rss_before) / 1024))
met() { if [[ $1 == 1 ]]; then echo yes; else echo '**not met**'; fi; }

log "gateway RSS: before $((rss_before / 1024)) MiB, peak $((rss_peak / 1024)) MiB, after $((rss_after / 1024)) MiB$(
  $hwm_reset && echo ", VmHWM since reset $((hwm / 1024)) MiB"); load $(load)"
echo "| P5 downloads | $SIZE_MIB MiB through the gateway, median of $ROUNDS (MB/s) | $gateway_mbs | direct S3 GET $direct_mbs | $ratio | ≥ 0.70 | $(met "$(awk -v r="$ratio" 'BEGIN {print (r >= 0.70)}')") |"
echo "| P5 downloads | gateway RSS growth during $((WARMUP + ROUNDS)) downloads, peak − before (MiB) | $growth (before $((rss_before / 1024)), peak $((rss_peak / 1024)), after $((rss_after / 1024))) | — | — | ≤ 64 | $(met "$((growth <= 64))") |"
ok_range=$([[ $r1_code == 206 && $r1_bytes == 1024 && $r1_same == same && $r1_cr == "bytes 0-1023/$SIZE" &&
  $r2_code == 206 && $r2_same == same && $r2_cr == "bytes $((SIZE - 1024))-$((SIZE - 1))/$SIZE" &&
  $r3_code == 416 && $r3_cr == "bytes */$SIZE" ]] && echo 1 || echo 0)
echo "| P5 downloads | Range through the gateway: bytes=0-1023, bytes=-1024, bytes=$SIZE- | $r1_code ($r1_cr), $r2_code ($r2_cr), $r3_code ($r3_cr) | — | — | 206 / 416 | $(met "$ok_range") |"
log "evidence: $evidence"
