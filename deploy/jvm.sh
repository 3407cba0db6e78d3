# shellcheck shell=bash
#
# The JVM options of the service instances ./miteos starts (issue 12, P6: each service ready in
# seconds when started alone, small idle memory). Sourced by ./miteos, which provides STATE_DIR,
# ROOT, running_pid, cmdline_has, is_service, now_ms, elapsed, step, step_ok and warn.
#
# A service's java command line is: MITEOS_SERVICE_JAVA_OPTS, then MITEOS_SERVICE_FOOTPRINT_OPTS,
# then one class-data-sharing option (MITEOS_SERVICE_CDS). Set one of them to change only that part.

# Heap ceiling and system properties. allowRestrictedHeaders=host lets fetch_url pin plain-http
# requests to the address it vetted. bench/concurrency.sh replaces it for the orchestrator (-Xmx1g).
: "${MITEOS_SERVICE_JAVA_OPTS:=-Xmx256m -Djdk.httpclient.allowRestrictedHeaders=host}"

# Garbage collection for a small resident set. Unset: the default below; set to an empty string:
# none (the JVM's own choice: G1 on a machine with 2 CPUs and 1792 MiB or more). The serial
# collector has no remembered sets or concurrent threads (tens of MiB less than G1 per JVM); the
# heap starts at 32 MiB and gives memory back when less than 30 % of it is free after a GC
# (MaxHeapFreeRatio), instead of staying at its high-water mark; TrimNativeHeapInterval returns
# glibc's freed native memory every 5 s (JDK 17.0.9 and later; left out where java refuses it).
readonly DEFAULT_FOOTPRINT_OPTS="-Xms32m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"

# true: one dynamic class-data-sharing archive per service, .miteos/cds/<service>.jsa, that every
# later start of the service maps instead of loading and verifying those classes again. It is
# written by `./miteos down` (jcmd VM.cds dynamic_dump, a few seconds per service, once), from the
# classes the running instance 1 of the service has loaded; never by `stop`, `restart`, `kill` or
# `test`, so no graceful stop takes longer. Deleted and recorded again when the service's jar or
# the JDK is newer than it. false (the default): no archive is used or written. The archive holds
# the fast-jar's own classes too (about 12,000 of 16,000 come from it) and cuts the CPU a service
# needs to become ready by about a fifth (api-gateway 9.9 -> 7.8 s); off by default all the same,
# because the first `down` after a build pays for the dumps (56 s at load 15 for all four) and ready
# time on 2 busy cores moves by more than it gains (bench/RESULTS.md, 2026-12-04 13:20Z and 15:17Z).
: "${MITEOS_SERVICE_CDS:=false}"

readonly CDS_DIR="$STATE_DIR/cds"
FOOTPRINT_OPTS_RESOLVED=""

# service_jvm_opts SERVICE JAR: sets the array SERVICE_JVM_OPTS to the options of a new instance.
service_jvm_opts() {
  local -a base footprint
  read -ra base <<<"$MITEOS_SERVICE_JAVA_OPTS"
  resolve_footprint_opts
  read -ra footprint <<<"$MITEOS_SERVICE_FOOTPRINT_OPTS"
  SERVICE_JVM_OPTS=("${base[@]}" "${footprint[@]}")
  if [[ $MITEOS_SERVICE_CDS == true ]]; then
    SERVICE_JVM_OPTS+=("$(cds_option "$1" "$2")")
  fi
}

# resolve_footprint_opts: MITEOS_SERVICE_FOOTPRINT_OPTS, defaulted once per invocation.
resolve_footprint_opts() {
  [[ -z $FOOTPRINT_OPTS_RESOLVED ]] || return 0
  FOOTPRINT_OPTS_RESOLVED=true
  [[ -z ${MITEOS_SERVICE_FOOTPRINT_OPTS+set} ]] || return 0
  MITEOS_SERVICE_FOOTPRINT_OPTS=$DEFAULT_FOOTPRINT_OPTS
  if java -XX:TrimNativeHeapInterval=5000 -version >/dev/null 2>&1; then
    MITEOS_SERVICE_FOOTPRINT_OPTS+=" -XX:TrimNativeHeapInterval=5000"
  fi
}

# cds_archive SERVICE: the path of the service's archive.
cds_archive() { echo "$CDS_DIR/$1.jsa"; }

# cds_option SERVICE JAR: map the archive when it is newer than the jar and the JVM; otherwise
# delete it and let the instance record what `down` needs to write a new one.
cds_option() {
  local archive
  archive=$(cds_archive "$1")
  if [[ -s $archive && $archive -nt $2 && $archive -nt $(jvm_library) ]]; then
    echo "-XX:SharedArchiveFile=$archive"
  else
    rm -f "$archive"
    echo "-XX:+RecordDynamicDumpInfo"
  fi
}

# jvm_library: the file of the JVM that `java` runs (a JDK update replaces it).
jvm_library() {
  local home
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  echo "$home/lib/server/libjvm.so"
}

# write_cds_archives INSTANCE...: before `down` stops them, dump an archive for every service whose
# instance 1 is among them and runs with -XX:+RecordDynamicDumpInfo (the dumps run in parallel).
write_cds_archives() {
  local name pid t0 service
  local -a services=() pids=() written=()
  [[ $MITEOS_SERVICE_CDS == true ]] || return 0
  for name in "$@"; do
    is_service "$name" || continue
    pid=$(running_pid "$name") || continue
    cmdline_has "$pid" -XX:+RecordDynamicDumpInfo || continue
    mkdir -p "$CDS_DIR"
    rm -f "$(cds_archive "$name").tmp"
    timeout 60 jcmd "$pid" VM.cds dynamic_dump "$(cds_archive "$name").tmp" >"$CDS_DIR/$name.log" 2>&1 &
    services+=("$name")
    pids+=($!)
  done
  ((${#services[@]})) || return 0
  t0=$(now_ms)
  step "cds archives"
  for name in "${!services[@]}"; do
    service=${services[$name]}
    if wait "${pids[$name]}" && [[ -s $(cds_archive "$service").tmp ]]; then
      mv -f "$(cds_archive "$service").tmp" "$(cds_archive "$service")"
      written+=("$service")
    else
      rm -f "$(cds_archive "$service").tmp"
    fi
  done
  step_ok "written for ${written[*]:-none} ($(elapsed "$t0"))"
}
