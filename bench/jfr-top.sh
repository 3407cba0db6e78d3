#!/usr/bin/env bash
#
# bench/jfr-top.sh FILE.jfr [n=25] - what a JFR recording's CPU samples (jdk.ExecutionSample) show:
# the n most frequent top frames (where the CPU was), and the n most frequent first frames of our
# own code (com.miteos) in the sampled stacks (which of our calls led there), and the share of samples
# whose stack holds a frame of each package (three name parts; inclusive). Stacks are cut at
# JFR's default depth of 64 frames, so a deep stack may show no frame of ours.
set -euo pipefail
file=${1:?usage: bench/jfr-top.sh FILE.jfr [n]}
n=${2:-25}
jfr print --events jdk.ExecutionSample --stack-depth 64 "$file" | awk -v n="$n" '
  /stackTrace = \[/ { in_stack = 1; top = ""; ours = ""; split("", seen); samples++; next }
  in_stack && /^[[:space:]]*\]/ {
    in_stack = 0; tops[top]++; if (ours == "") ours = "(no com.miteos frame)"; own[ours]++
    for (p in seen) pkgs[p]++
    next
  }
  in_stack {
    frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame)
    if (top == "") top = frame
    if (ours == "" && frame ~ /^com\.miteos\./) ours = frame
    k = split(frame, part, "."); if (k >= 4) seen[part[1] "." part[2] "." part[3]] = 1
  }
  END {
    printf "%d CPU samples\n\ntop frames:\n", samples
    for (f in tops) printf "%7d %5.1f%%  %s\n", tops[f], 100 * tops[f] / samples, f | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\nfirst com.miteos frame in the stack:\n"
    for (f in own) printf "%7d %5.1f%%  %s\n", own[f], 100 * own[f] / samples, f | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\nsamples with a frame of the package (inclusive):\n"
    for (f in pkgs) printf "%7d %5.1f%%  %s\n", pkgs[f], 100 * pkgs[f] / samples, f | "sort -rn | head -" n
  }'
