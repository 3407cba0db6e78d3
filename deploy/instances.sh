# shellcheck shell=bash
#
# Several instances of a service on this machine: the instance names, ports and ids, and the
# wanted number of instances per service (the scale). Sourced by ./miteos, which provides
# ALL_SERVICES, SERVICES, is_service, is_local_host, service_base_port, STATE_DIR, PID_DIR and die.
#
# Instance 1 of a service IS the service as it always was: same name, port, pid and log files.
# Instance k >= 2 is named <service>-<k> (e.g. agent-orchestrator-2), listens on the service's
# port + MITEOS_INSTANCE_PORT_STEP * (k - 1) (deploy/env.sh; 100 by default, so 8182 for
# agent-orchestrator-2), and has .miteos/pids/<service>-<k>.pid and .miteos/logs/<service>-<k>.log.
# Every instance, the first included, runs with MITEOS_INSTANCE_ID=<service>-<k>
# (agent-orchestrator-1, agent-orchestrator-2, ...). All instances of a service share its database
# and its Kafka consumer groups. Gateway instance k talks to task-service and
# deliverable-service instance ((k - 1) mod n) + 1, n being their scale when the gateway starts.
#
# The scale lives in .miteos/scale, one "<service>=<n>" line per service run more than once,
# from `./miteos up --scale` / `./miteos scale` until `./miteos down`. Plain `./miteos up`
# keeps it (and so restarts a dead instance k like a dead instance 1).

readonly SCALE_FILE="$STATE_DIR/scale"

declare -A SCALE=() # service -> wanted number of instances (absent = 1)

# --- Names ---------------------------------------------------------------------------------

# instance_name SERVICE K: the name of instance K (the service's own name for K = 1).
instance_name() {
  if (($2 == 1)); then echo "$1"; else echo "$1-$2"; fi
}

# is_instance NAME: NAME is <service> or <service>-<k> with k >= 1.
is_instance() {
  is_service "$1" && return 0
  [[ $1 == *-* && ${1##*-} =~ ^[1-9][0-9]*$ ]] && is_service "${1%-*}"
}

# instance_service NAME / instance_number NAME: the two halves of an instance name.
instance_service() {
  if is_service "$1"; then echo "$1"; else echo "${1%-*}"; fi
}
instance_number() {
  if is_service "$1"; then echo 1; else echo "${1##*-}"; fi
}

# canonical_instance NAME: <service>-1 is written <service> (its pid and log files' name).
canonical_instance() {
  instance_name "$(instance_service "$1")" "$(instance_number "$1")"
}

# instance_id NAME: MITEOS_INSTANCE_ID of the instance, e.g. agent-orchestrator-1.
instance_id() {
  echo "$(instance_service "$1")-$(instance_number "$1")"
}

# instance_port NAME: the HTTP port of a service instance.
instance_port() {
  local base
  base=$(service_base_port "$(instance_service "$1")")
  echo $((base + MITEOS_INSTANCE_PORT_STEP * ($(instance_number "$1") - 1)))
}

# --- Scale ---------------------------------------------------------------------------------

load_scale() {
  local line
  SCALE=()
  [[ -f $SCALE_FILE ]] || return 0
  while IFS= read -r line; do
    if [[ $line =~ ^([a-z-]+)=([1-9][0-9]*)$ ]] && is_service "${BASH_REMATCH[1]}"; then
      SCALE[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    fi
  done <"$SCALE_FILE"
}

save_scale() {
  local s lines=""
  for s in "${ALL_SERVICES[@]}"; do
    if ((${SCALE[$s]:-1} > 1)); then lines+="$s=${SCALE[$s]}"$'\n'; fi
  done
  if [[ -n $lines ]]; then printf '%s' "$lines" >"$SCALE_FILE"; else rm -f "$SCALE_FILE"; fi
}

scale_of() {
  echo "${SCALE[$1]:-1}"
}

# db_pool_share: the reactive connection pool of one instance, MITEOS_DB_CONNECTION_BUDGET shared
# out over every wanted instance of every service (at least 4). The instances share one PostgreSQL
# server: 16 connections each (the services' default) for the 9 instances of the scale test, plus
# their JDBC pools, would pass the 100 connections a stock server allows.
db_pool_share() {
  local s total=0
  for s in "${ALL_SERVICES[@]}"; do total=$((total + $(scale_of "$s"))); done
  local share=$((MITEOS_DB_CONNECTION_BUDGET / total))
  echo $((share < 4 ? 4 : share))
}

# instances_of SERVICE: the names of its wanted instances, one per line.
instances_of() {
  local k
  for ((k = 1; k <= $(scale_of "$1"); k++)); do instance_name "$1" "$k"; done
}

# known_instances SERVICE: its wanted instances, then any other that still has a pid file (e.g.
# left by a scale that was lowered while it could not be stopped), in order of their number.
known_instances() {
  local file k
  local -a extra=()
  instances_of "$1"
  for file in "$PID_DIR/$1"-*.pid; do
    [[ -e $file ]] || continue
    k=${file%.pid} k=${k##*-}
    if [[ $k =~ ^[0-9]+$ ]] && ((k > $(scale_of "$1"))); then extra+=("$k"); fi
  done
  ((${#extra[@]})) || return 0
  printf '%s\n' "${extra[@]}" | sort -n | while read -r k; do instance_name "$1" "$k"; done
}

# parse_scale SPEC: "<service>=<n>[,<service>=<n>...]" into WANTED_SCALE, validated.
declare -A WANTED_SCALE=()
parse_scale() {
  local item s n
  local -a items
  [[ -n $1 ]] || die "--scale needs <service>=<n>[,<service>=<n>…], e.g. --scale agent-orchestrator=3,api-gateway=2"
  IFS=',' read -ra items <<<"$1"
  for item in "${items[@]}"; do
    [[ $item == *=* ]] || die "--scale: '$item' is not <service>=<n>"
    s=${item%%=*} n=${item#*=}
    is_service "$s" || die "--scale: unknown service '$s' (known: ${ALL_SERVICES[*]})"
    [[ $n =~ ^[1-9][0-9]{0,2}$ ]] || die "--scale: '$n' is not a number of instances of $s (1 or more)"
    WANTED_SCALE[$s]=$n
  done
}

# check_scale_ports SERVICE...: every instance of these services gets a port of its own, none
# taken by another instance or by the infrastructure (a clash is a configuration error, found
# before anything starts; a port busy with a foreign process is found by ensure_started).
check_scale_ports() {
  local s name port
  local -A owner=(["$MITEOS_KAFKA_PORT"]=kafka ["$MITEOS_KAFKA_CONTROLLER_PORT"]=kafka ["$MITEOS_S3_PORT"]=s3proxy)
  is_local_host "$MITEOS_DB_HOST" && owner[$MITEOS_DB_PORT]=postgres
  for s in "$@"; do
    while read -r name; do
      port=$(instance_port "$name")
      ((port <= 65535)) || die "$name would listen on port $port: lower its scale or MITEOS_INSTANCE_PORT_STEP"
      [[ -z ${owner[$port]:-} ]] ||
        die "${owner[$port]} and $name would both listen on port $port: change MITEOS_INSTANCE_PORT_STEP or a port"
      owner[$port]=$name
    done < <(instances_of "$s")
  done
}

# gateway_backend_env NAME: the environment that points gateway instance NAME at its
# task-service and deliverable-service instances (nothing for the ones that are instance 1).
gateway_backend_env() {
  local k backend j
  k=$(instance_number "$1")
  for backend in task-service deliverable-service; do
    j=$((((k - 1) % $(scale_of "$backend")) + 1))
    ((j > 1)) || continue
    if [[ $backend == task-service ]]; then printf 'MITEOS_TASK_SERVICE_URL='; else printf 'MITEOS_DELIVERABLE_SERVICE_URL='; fi
    printf 'http://127.0.0.1:%s\n' "$(instance_port "$(instance_name "$backend" "$j")")"
  done
}

# rescale: apply WANTED_SCALE (from --scale) to SCALE for the services in SERVICES, check the
# ports, and set RESCALE_STOPS to the instances that must stop: any beyond the scale that has a
# pid file, and, when task-service or deliverable-service shrinks, the gateway instances k >= 2
# (one may talk to an instance that goes; `up` starts them again with their new targets).
RESCALE_STOPS=()
rescale() {
  local s shrinks=false
  RESCALE_STOPS=()
  for s in "${!WANTED_SCALE[@]}"; do
    [[ " ${SERVICES[*]} " == *" $s "* ]] || die "--scale: $s is not one of the services started (MITEOS_SERVICES=$MITEOS_SERVICES)"
    if [[ $s == task-service || $s == deliverable-service ]] && ((WANTED_SCALE[$s] < $(scale_of "$s"))); then
      shrinks=true
    fi
    SCALE[$s]=${WANTED_SCALE[$s]}
  done
  check_scale_ports "${SERVICES[@]}"
  for s in "${SERVICES[@]}"; do
    mapfile -t -O "${#RESCALE_STOPS[@]}" RESCALE_STOPS < <(known_instances "$s" | tail -n +"$(($(scale_of "$s") + 1))")
  done
  if $shrinks && [[ " ${SERVICES[*]} " == *" api-gateway "* ]]; then
    mapfile -t -O "${#RESCALE_STOPS[@]}" RESCALE_STOPS < <(instances_of api-gateway | tail -n +2)
  fi
}

# scale_summary SERVICE...: one line per service run more than once, e.g.
# "agent-orchestrator ×3 (ports 8082 8182 8282)".
scale_summary() {
  local s name
  local -a ports
  for s in "$@"; do
    (($(scale_of "$s") > 1)) || continue
    ports=()
    while read -r name; do ports+=("$(instance_port "$name")"); done < <(instances_of "$s")
    printf '%s ×%s (ports %s)\n' "$s" "$(scale_of "$s")" "${ports[*]}"
  done
}
