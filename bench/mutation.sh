#!/usr/bin/env bash
#
# Mutation testing (PIT) of the pure logic: the event model, the SSRF guard and its IP parser,
# costs and the token budget, the autonomy policy, plan validation, file-name sanitising, the
# gateway's request validation and rate limiter, and the download header. The classes and the
# unit tests that measure them are listed in the parent pom.xml (profile "mutation");
# @QuarkusTest classes are left out, they would start the application for every mutant.
#
#   bench/mutation.sh [module...]     default: common-model api-gateway agent-orchestrator deliverable-service
#
# Prints the score (mutants detected / mutants generated) per module and per package, and
# exits 1 if a module scores under MUTATION_THRESHOLD percent (default 80). The HTML report of
# each module is <module>/target/pit-reports/index.html. Not part of CI: it takes about
# 20 minutes on a busy 2-core machine (see bench/RESULTS.md). Modules a listed module depends on
# are built and measured too (-am), so one module alone still runs common-model.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
threshold="${MUTATION_THRESHOLD:-80}"
if [ $# -gt 0 ]; then
  modules=("$@")
else
  modules=(common-model api-gateway agent-orchestrator deliverable-service)
fi

# A report left from an earlier run must not be read as this run's.
for module in "${modules[@]}"; do
  rm -rf "$module/target/pit-reports"
done

start=$SECONDS
(IFS=,; ./mvnw -B -ntp -Pmutation -pl "${modules[*]}" -am test)
echo "mutation testing took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
echo

python3 - "$threshold" "${modules[@]}" <<'EOF'
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

threshold = float(sys.argv[1])
failed = []
for module in sys.argv[2:]:
    path = f"{module}/target/pit-reports/mutations.xml"
    try:
        mutations = ET.parse(path).getroot().findall("mutation")
    except (OSError, ET.ParseError) as e:
        print(f"{module}: no report ({e})")
        failed.append(module)
        continue
    if not mutations:
        print(f"{module}: no mutants generated; is the module listed in the pom's mutation profile?")
        failed.append(module)
        continue
    by_package = defaultdict(lambda: [0, 0])
    statuses = defaultdict(int)
    for m in mutations:
        package = m.findtext("mutatedClass").rsplit(".", 1)[0]
        by_package[package][1] += 1
        if m.get("detected") == "true":
            by_package[package][0] += 1
        statuses[m.get("status")] += 1
    detected = sum(d for d, _ in by_package.values())
    total = len(mutations)
    score = 100.0 * detected / total
    print(f"{module}: {detected}/{total} = {score:.1f} %  ("
          + ", ".join(f"{s.lower()} {n}" for s, n in sorted(statuses.items())) + ")")
    for package, (d, t) in sorted(by_package.items()):
        print(f"    {package}: {d}/{t} = {100.0 * d / t:.1f} %")
    for m in mutations:
        if m.get("detected") != "true":
            print(f"    {m.get('status').lower()}: {m.findtext('mutatedClass').rsplit('.', 1)[1]}."
                  f"{m.findtext('mutatedMethod')} line {m.findtext('lineNumber')}: {m.findtext('description')}")
    if score < threshold:
        failed.append(module)
print()
if failed:
    print(f"under {threshold:g} %: {', '.join(failed)}")
    sys.exit(1)
print(f"every module scores at least {threshold:g} %")
EOF
