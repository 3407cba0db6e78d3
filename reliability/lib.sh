# shellcheck shell=bash
#
# Shared by the on-demand load scripts (reliability/rolling-restart.sh, bench/scale-throughput.sh):
# the stack of this checkout started with the rate limit and the active-task cap lifted, and a
# sandbox key of a fresh account, and the -D parameters of the scripts that pass them to Maven
# (reliability/scale-test.sh, reliability/shared-limits.sh). Source it from the repository root.

# property NAME DEFAULT ARGS...: the value of -DNAME=... among ARGS, else DEFAULT.
property() {
  local name=$1 value=$2 arg
  shift 2
  for arg in "$@"; do
    [[ $arg != -D$name=* ]] || value=${arg#-D"$name"=}
  done
  echo "$value"
}

# start_lifted_stack: ./miteos up with limits that would otherwise throttle a load run. The
# settings reach the services only when ./miteos up starts them, so nothing of ours may be running.
start_lifted_stack() {
  export MITEOS_RATE_LIMIT_RPS=1000000 MITEOS_RATE_LIMIT_BURST=1000000 MITEOS_MAX_ACTIVE_TASKS=100000
  ./miteos up >/dev/null
  readonly BASE="http://127.0.0.1:$MITEOS_GATEWAY_PORT"
}

# json_value KEY: the first "KEY": value (string or number) of the JSON on stdin.
json_value() { sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1; }

# new_sandbox_token NAME: a test-mode key of a fresh account, through the admin API.
new_sandbox_token() {
  local admin account
  admin=$(<.miteos/admin-token)
  account=$(curl -sf -X POST "$BASE/admin/v1/accounts" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" | json_value id)
  curl -sf -X POST "$BASE/admin/v1/accounts/$account/keys" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"mode":"test"}' | json_value token
}
