# shellcheck shell=bash
#
# The local trace viewer of `./miteos up --tracing`: Zipkin (server and UI, in-memory storage) and
# otlp-bridge, which receives the services' OTLP/HTTP spans and hands them to Zipkin in its own
# format (deploy/infra/zipkin/OtlpToZipkin.java; Zipkin 3 reads no OTLP, and its OTLP module is not
# on Maven Central). Both come from Maven Central through deploy/infra/zipkin/pom.xml, like Kafka
# and S3Proxy. Sourced by ./miteos, which provides launch, resolve_classpaths, ensure_started,
# await_components, STATE_DIR, CP_DIR, INFRA_DIR, LOG_DIR and the output helpers.
#
# `up --tracing` writes .miteos/tracing; while it exists every service instance ./miteos starts
# (up, restart, scale) exports its spans to otlp-bridge, and `up` keeps the viewer running.
# `down` stops the viewer and removes the file. Spans live in Zipkin's memory only: they are gone
# after `down`, and the oldest go first past MITEOS_ZIPKIN_MAX_SPANS.

readonly TRACING_FILE="$STATE_DIR/tracing"
readonly TRACING_COMPONENTS=(zipkin otlp-bridge)

: "${MITEOS_ZIPKIN_JAVA_OPTS:=-Xmx256m}"
: "${MITEOS_ZIPKIN_MAX_SPANS:=100000}"

tracing_enabled() { [[ -f $TRACING_FILE ]]; }

is_tracing_component() { [[ $1 == zipkin || $1 == otlp-bridge ]]; }

# tracing_components_present: the viewer's components that are enabled or have a pid file.
tracing_components_present() {
  local c
  for c in "${TRACING_COMPONENTS[@]}"; do
    if tracing_enabled || [[ -f $PID_DIR/$c.pid ]]; then echo "$c"; fi
  done
}

# The OTLP settings of a service instance while tracing is on (lines for `env`).
tracing_service_env() {
  tracing_enabled || return 0
  echo "MITEOS_OTLP_ENDPOINT=http://127.0.0.1:$MITEOS_OTLP_BRIDGE_PORT"
  echo "MITEOS_OTLP_PROTOCOL=http/protobuf"
}

zipkin_url() { echo "http://localhost:$MITEOS_ZIPKIN_PORT/zipkin/"; }

# The jars of the zipkin classpath: Zipkin's executable jar alone, or everything else.
zipkin_server_jar() { classpath_jars "$CP_DIR/zipkin.classpath" | grep -m 1 '/zipkin-server-[^/]*-exec\.jar$'; }
otlp_bridge_classpath() { classpath_jars "$CP_DIR/zipkin.classpath" | grep -v '/zipkin-server-[^/]*-exec\.jar$' | paste -sd: -; }

start_zipkin() {
  local -a opts
  read -ra opts <<<"$MITEOS_ZIPKIN_JAVA_OPTS"
  # STORAGE_TYPE and MEM_MAX_SPANS are Zipkin's own settings. Its API and UI listen on
  # MITEOS_BIND_HOST (loopback) rather than on every address, as with QUERY_PORT alone.
  launch zipkin env STORAGE_TYPE=mem MEM_MAX_SPANS="$MITEOS_ZIPKIN_MAX_SPANS" \
    java -Dlaunched.by.miteos=zipkin "${opts[@]}" -XX:+ExitOnOutOfMemoryError -jar "$(zipkin_server_jar)" \
    "--armeria.ports[0].ip=$MITEOS_BIND_HOST" "--armeria.ports[0].port=$MITEOS_ZIPKIN_PORT"
}

start_otlp_bridge() {
  launch otlp-bridge java -Dlaunched.by.miteos=otlp-bridge -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -cp "$(otlp_bridge_classpath)" "$INFRA_DIR/zipkin/OtlpToZipkin.java" \
    "$MITEOS_BIND_HOST" "$MITEOS_OTLP_BRIDGE_PORT" "http://127.0.0.1:$MITEOS_ZIPKIN_PORT"
}

tracing_healthy() {
  local port=$MITEOS_ZIPKIN_PORT
  [[ $1 == otlp-bridge ]] && port=$MITEOS_OTLP_BRIDGE_PORT
  curl -fs -o /dev/null -m 2 "http://127.0.0.1:$port/health" 2>/dev/null
}

# start_tracing: resolve, launch and await the viewer (up --tracing, or up while .miteos/tracing exists).
start_tracing() {
  local c
  resolve_classpaths zipkin
  for c in "${TRACING_COMPONENTS[@]}"; do ensure_started "$c"; done
  await_components "${TRACING_COMPONENTS[@]}" || die "the trace viewer did not start (logs: .miteos/logs/)"
  touch "$TRACING_FILE"
}

# A service instance already running when tracing was switched on does not export yet.
warn_untraced_instances() {
  local c pid
  for c in "$@"; do
    pid=$(running_pid "$c") || continue
    [[ " ${STARTED_BY_US[*]} " == *" $c "* ]] && continue
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "MITEOS_OTLP_ENDPOINT=http://127.0.0.1:$MITEOS_OTLP_BRIDGE_PORT" ||
      warn "$c was already running and exports no spans to the viewer: ./miteos restart $c"
  done
}

# cmd_trace TASK_ID: the task's trace(s) in Zipkin, found by the miteos.task_id tag of its spans.
cmd_trace() {
  local task=${1:-} json ids id
  [[ $task =~ ^[A-Za-z0-9_-]+$ ]] || die "usage: ./miteos trace <task id>"
  tracing_healthy zipkin || die "the trace viewer is not running: ./miteos up --tracing"
  json=$(curl -fsS -m 10 -G "http://127.0.0.1:$MITEOS_ZIPKIN_PORT/api/v2/traces" \
    --data-urlencode "annotationQuery=miteos.task_id=$task" --data-urlencode "lookback=86400000" \
    --data-urlencode "limit=10") || die "Zipkin did not answer the query"
  ids=$(grep -o '"traceId":"[0-9a-f]*"' <<<"$json" | cut -d'"' -f4 | sort -u) || true # none found: grep fails
  [[ -n $ids ]] || die "no trace with miteos.task_id=$task in Zipkin (yet: spans arrive a few seconds after the work)"
  for id in $ids; do
    say "$(zipkin_url)traces/$id"
  done
}
