#!/usr/bin/env bash
#
# task-service's projection lag, on demand (not in CI): with only the infrastructure running
# (./miteos infra; task-service NOT running), starts task-service from a packaged jar against a
# fresh database and fresh topics, produces TASKS task.created records and N task.status
# snapshots (N / TASKS per task, sequence 1.., the last one terminal) to Kafka as fast as kcat
# can, keyed by task id and in the orchestrator's envelope format (common-model EventJson), and
# waits until processed_events holds every one. Reports events/s and the lag of each event
# (Kafka record timestamp -> processed_events.processed_at, p50/p99/max).
#
#   bench/projection-lag.sh [N] [TASKS]        defaults 3000 300
#   JAR=/path/to/quarkus-run.jar               default task-service/target/quarkus-app/quarkus-run.jar
#                                              (./mvnw -o -pl task-service -am package -DskipTests)
#   Any task-service setting passes through the environment (e.g. MITEOS_TASK_EVENTS_BATCH_SIZE).
#
# processed_at is the projection transaction's start (now()), so a lag is short of the moment
# the event became visible by that transaction's duration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../deploy/env.sh
source deploy/env.sh

N=${1:-3000}
TASKS=${2:-300}
JAR=${JAR:-task-service/target/quarkus-app/quarkus-run.jar}
RUN=lag$(date +%s)
DB=miteos_tasks_bench
CREATED_TOPIC=bench.$RUN.created
STATUS_TOPIC=bench.$RUN.status
WORK=$(mktemp -d)
SERVICE_PID=

command -v kcat >/dev/null || { echo "kcat is missing: apt-get install -y kcat" >&2; exit 1; }
[[ -f $JAR ]] || { echo "$JAR is missing: ./mvnw -o -pl task-service -am package -DskipTests" >&2; exit 1; }

cleanup() {
  [[ -n $SERVICE_PID ]] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

sql() {
  PGPASSWORD="$MITEOS_DB_PASSWORD" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$MITEOS_DB_HOST" -p "$MITEOS_DB_PORT" \
    -U "$MITEOS_DB_USER" -d "${2:-$DB}" -c "$1"
}

sql "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres
sql "CREATE DATABASE $DB" postgres
# Explicit topics with the stack's partition count (task-service's consumer does not create them).
for topic in "$CREATED_TOPIC" "$STATUS_TOPIC"; do
  java -Dlog4j2.configurationFile=deploy/infra/kafka/log4j2-tools.xml -XX:TieredStopAtLevel=1 \
    -cp "$(<.miteos/cp/kafka.classpath)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$MITEOS_KAFKA_BOOTSTRAP" \
    --create --topic "$topic" --partitions "$MITEOS_KAFKA_TOPIC_PARTITIONS" --replication-factor 1 >/dev/null
done

python3 - "$N" "$TASKS" "$WORK" <<'PY'
import json, random, sys, datetime
n, tasks, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
rnd = random.Random(42)
def ident(prefix):
    return prefix + "_" + "".join(rnd.choice(alphabet) for _ in range(26))
now = datetime.datetime.now(datetime.timezone.utc)
def at(seconds):
    return (now + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
per_task = [n // tasks + (1 if i < n % tasks else 0) for i in range(tasks)]
created, statuses = [], []
for t in range(tasks):
    task, account = ident("task"), ident("acct")
    agents = [ident("agnt"), ident("agnt")]
    created.append((task, {"event_id": ident("evt"), "type": "TaskCreated", "task_id": task, "account_id": account,
        "mode": "test", "sequence": 0, "occurred_at": at(0), "payload": {
            "prompt": "Research the top 5 open-source vector databases and produce a comparison report.",
            "config": {"max_agents": 2, "autonomy_level": 70, "auto_deploy": False, "deploy_target": None},
            "created_at": at(0)}}))
    count = per_task[t]
    for seq in range(1, count + 1):
        last = seq == count
        progress = min(100, seq * 100 // count)
        status = "complete" if last else ("planning" if seq == 1 else "running")
        agent_status = "done" if last else ("queued" if seq == 1 else ("acting" if seq % 2 else "thinking"))
        statuses.append((task, seq, {"event_id": ident("evt"), "type": "TaskStatusChanged", "task_id": task,
            "account_id": account, "mode": "test", "sequence": seq, "occurred_at": at(seq), "payload": {
                "status": status,
                "agents": [{"id": a, "type": ["researcher", "writer"][i], "status": agent_status,
                            "current_tool": "web_search" if agent_status == "acting" else None,
                            "progress": progress} for i, a in enumerate(agents)],
                "cost": round(0.001 * seq, 6), "deliverables_count": 1 if last else 0,
                "updated_at": at(seq)}}))
# Interleave the tasks as running tasks would: round robin over tasks, each in sequence order.
statuses.sort(key=lambda s: (s[1], s[0]))
with open(work + "/created.txt", "w") as f:
    for task, event in created:
        f.write(task + "\t" + json.dumps(event, separators=(",", ":")) + "\n")
with open(work + "/status.txt", "w") as f:
    for task, seq, event in statuses:
        f.write(task + "\t" + json.dumps(event, separators=(",", ":")) + "\n")
PY
TOTAL=$((N + TASKS))

env MITEOS_DB_NAME=$DB QUARKUS_HTTP_PORT="$MITEOS_TASK_SERVICE_PORT" MITEOS_LOG_JSON=false \
  MP_MESSAGING_INCOMING_TASK_EVENTS_TOPICS="$CREATED_TOPIC,$STATUS_TOPIC" \
  MP_MESSAGING_INCOMING_TASK_EVENTS_GROUP_ID="$RUN" \
  java -Xmx256m ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$WORK/task-service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 600); do
  curl -fsS "http://127.0.0.1:$MITEOS_TASK_SERVICE_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVICE_PID" 2>/dev/null || { tail -50 "$WORK/task-service.log" >&2; exit 1; }
  sleep 0.1
done
# The consumer is assigned once it projected a first record: one task.created, then the rest.
head -1 "$WORK/created.txt" | kcat -P -b "$MITEOS_KAFKA_BOOTSTRAP" -t "$CREATED_TOPIC" -K $'\t'
until [[ $(sql "SELECT count(*) FROM processed_events" 2>/dev/null || echo 0) -ge 1 ]]; do sleep 0.1; done

start=$(date +%s.%N)
tail -n +2 "$WORK/created.txt" | kcat -P -b "$MITEOS_KAFKA_BOOTSTRAP" -t "$CREATED_TOPIC" -K $'\t' -X linger.ms=5
kcat -P -b "$MITEOS_KAFKA_BOOTSTRAP" -t "$STATUS_TOPIC" -K $'\t' -X linger.ms=5 <"$WORK/status.txt"
produced=$(date +%s.%N)
deadline=$(($(date +%s) + 600))
while (( $(sql "SELECT count(*) FROM processed_events") < TOTAL )); do
  (( $(date +%s) < deadline )) || { echo "timed out: $(sql "SELECT count(*) FROM processed_events") of $TOTAL" >&2; exit 1; }
  sleep 0.05
done
done_at=$(date +%s.%N)

for topic in "$CREATED_TOPIC" "$STATUS_TOPIC"; do
  kcat -C -b "$MITEOS_KAFKA_BOOTSTRAP" -t "$topic" -e -q -f '%T\t%s\n'
done >"$WORK/sent.txt"
sql "SELECT event_id || E'\t' || (extract(epoch FROM processed_at) * 1000)::bigint FROM processed_events" >"$WORK/processed.txt"
events=$(sql "SELECT count(*) FROM task_event")
held=$(sql "SELECT count(*) FROM task_stream_source")
python3 - "$WORK" "$start" "$produced" "$done_at" "$TOTAL" "$events" "$held" "$JAR" <<'PY'
import json, sys
work, start, produced, done, total, events, held, jar = sys.argv[1:9]
start, produced, done, total = float(start), float(produced), float(done), int(total)
sent = {}
for line in open(work + "/sent.txt"):
    ts, value = line.rstrip("\n").split("\t", 1)
    sent[json.loads(value)["event_id"]] = int(ts)
lags = []
# The first task.created only showed that the consumer was assigned: not measured.
warm_up = json.loads(open(work + "/created.txt").readline().split("\t", 1)[1])["event_id"]
processed = {}
for line in open(work + "/processed.txt"):
    event_id, at = line.strip().split("\t")
    processed[event_id] = int(at)
    if event_id in sent and event_id != warm_up:
        lags.append(int(at) - sent[event_id])
lags.sort()
def pct(p):
    return lags[min(len(lags) - 1, int(p * len(lags)))]
span = max(processed.values()) / 1000 - start
total -= 1
print(f"jar: {jar}")
print(f"records: {total} ({len(lags)} matched), produced in {produced - start:.2f} s, "
      f"all in processed_events after {done - start:.2f} s (polled)")
print(f"throughput: {total / span:.0f} events/s (producing started -> last processed_at: {span:.2f} s)")
print(f"lag (record timestamp -> processed_at): p50 {pct(0.5)} ms, p99 {pct(0.99)} ms, max {lags[-1]} ms")
print(f"task_event rows: {events}, still held: {held}")
PY
