#!/usr/bin/env bash
# A/B of bench/downloads.sh on one stack: base jars (main dc59897) vs this branch's, swapped in
# for api-gateway and deliverable-service. Usage: dl-ab.sh base|new OUTDIR [jfr]
set -euo pipefail
cd /work/wt-downloads
source /tmp/dl-env.sh
variant=$1 out=$2 jfr=${3:-}
mkdir -p "$out"
src=/tmp/downloads-$variant
for s in api-gateway deliverable-service; do
  ./miteos stop "$s" >/dev/null 2>&1 || true
  rm -rf "$s/target/quarkus-app"; mkdir -p "$s/target"; cp -a "$src/$s" "$s/target/quarkus-app"
done
./miteos up >"$out/up-$variant.log" 2>&1 || { tail -20 "$out/up-$variant.log"; exit 1; }
sleep 5
if [[ -n $jfr ]]; then
  for s in api-gateway deliverable-service; do
    jcmd "$(cat .miteos/pids/$s.pid)" JFR.start name=dl filename="$PWD/$out/$variant-$s.jfr" settings=profile >/dev/null
  done
fi
bench/downloads.sh >"$out/downloads-$variant.txt" 2>&1 || true
if [[ -n $jfr ]]; then
  for s in api-gateway deliverable-service; do
    jcmd "$(cat .miteos/pids/$s.pid)" JFR.stop name=dl >/dev/null || true
  done
fi
tail -3 "$out/downloads-$variant.txt"
