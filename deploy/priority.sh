# shellcheck shell=bash
#
# CPU priority of a service instance while it starts (issue 9: commands within 1 s while instances
# restart). A JVM that boots takes one to two cores for tens of seconds (class loading, CDI, JIT);
# on this kind of machine the instances that already run and serve tasks share those cores with it,
# and the commands they apply meanwhile came late. So an instance that ./miteos starts runs at a
# lower priority until it passes its readiness check, then at normal priority again: the same idea
# as systemd's StartupCPUWeight=. On Kubernetes a starting pod has CPU of its own; nothing here
# applies there.
#
# How: every instance runs in a session of its own (launch uses setsid), and with the kernel's
# scheduler autogroups (/proc/sys/kernel/sched_autogroup_enabled = 1, the default of most
# distributions) a session is one scheduling group whose weight is the nice value written to
# /proc/<pid>/autogroup. Unlike renice(1), that covers every thread of the JVM at once, threads
# started later included, and any user may raise it and set it back to 0 (only values below 0 need
# CAP_SYS_NICE; see sched(7)). Without autogroups this does nothing.
#
# Sourced by ./miteos, which provides warn.

# The autogroup nice value of a starting instance, 0-19. 0: start at normal priority.
: "${MITEOS_START_NICE:=10}"

# autogroups_enabled: true when the kernel schedules sessions as groups.
autogroups_enabled() {
  [[ $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) == 1 ]]
}

# autogroup_nice PID: the nice value of the process's autogroup ("/autogroup-85 nice 10" -> 10).
autogroup_nice() {
  local line
  line=$(cat "/proc/$1/autogroup" 2>/dev/null) || return 1
  [[ $line =~ nice\ (-?[0-9]+) ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

# set_autogroup_nice PID NICE: without CAP_SYS_ADMIN the kernel takes one such write per 100 ms
# (EAGAIN otherwise), so a refused write is tried again for up to a second.
set_autogroup_nice() {
  local pid=$1 nice=$2 try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    if (echo "$nice" >"/proc/$pid/autogroup") 2>/dev/null; then
      return 0
    fi
    [[ -e /proc/$pid ]] || return 1
    sleep 0.1
  done
  return 1
}

# session_leader PID: the process has called setsid(2), so /proc/PID/autogroup is its own group.
session_leader() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }                 # after "pid (comm) ": state ppid pgrp session ...
  read -r _ _ _ session _ <<<"$rest"
  [[ $session == "$1" ]]
}

# lower_start_priority PID: called right after an instance was launched. Until the new process has
# called setsid, its autogroup is still the launcher's own, which must not be the one lowered: so
# this waits (up to a second) for the process to lead its session.
lower_start_priority() {
  local try
  ((MITEOS_START_NICE > 0)) && autogroups_enabled || return 0
  for try in {1..100}; do
    session_leader "$1" && break
    [[ -e /proc/$1 ]] || return 0
    sleep 0.01
  done
  if ! session_leader "$1"; then
    warn "pid $1 is not in a session of its own yet: started at normal priority"
    return 0
  fi
  set_autogroup_nice "$1" "$MITEOS_START_NICE" ||
    warn "could not lower the start priority of pid $1 (/proc/$1/autogroup)"
}

# restore_priority PID: called once the instance is ready (and for one found ready that a
# launcher interrupted before could not restore). Does nothing when the priority is normal.
restore_priority() {
  local nice
  session_leader "$1" || return 0
  nice=$(autogroup_nice "$1") || return 0
  ((nice > 0)) || return 0
  set_autogroup_nice "$1" 0 || warn "could not restore the priority of pid $1 (/proc/$1/autogroup: nice $nice)"
}
