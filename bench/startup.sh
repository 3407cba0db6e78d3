#!/usr/bin/env bash
#
# Measures how fast ./miteos up gets the stack healthy, and what each process costs in memory:
#   cold  - a fresh clone, an empty Maven repository and no Maven distribution (everything is
#           downloaded and built), as on a new machine;
#   warm  - the same clone after ./miteos down (nothing to build);
#   again - ./miteos up while everything is healthy (must change nothing).
# Run it with nothing of ours listening on the Miteos ports. It leaves nothing running.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
work="$(mktemp -d)"
trap 'cd "$work/clone" 2>/dev/null && ./miteos down >/dev/null 2>&1; rm -rf "$work"' EXIT

git clone -q "$repo" "$work/clone"
cd "$work/clone"
export MAVEN_USER_HOME="$work/maven-home" MAVEN_OPTS="-Dmaven.repo.local=$work/m2"

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $((SECONDS - start)); }

cold=$(seconds ./miteos up)
again=$(seconds ./miteos up)
./miteos down >/dev/null 2>&1
warm=$(seconds ./miteos up)

echo "cold up:  ${cold} s"
echo "warm up:  ${warm} s"
echo "again up: ${again} s"
echo
./miteos status
