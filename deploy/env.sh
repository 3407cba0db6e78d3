# shellcheck shell=bash
#
# Miteos local environment: the ONE place for ports and local infrastructure (hosts, service
# URLs, Kafka topics, S3 and PostgreSQL addresses and credentials), which ./miteos needs to
# start that infrastructure. Service settings (limits, timeouts, prices, models, ...) are not
# here: their defaults live in each service's application.properties and nowhere else.
#
# Sourced by ./miteos. Every value is only a default: anything already set in the
# environment wins, e.g.  MITEOS_GATEWAY_PORT=9080 ./miteos up
#
# The same variable names are read by the Quarkus services (application.properties)
# and by docker-compose.yml, so a setting means the same thing everywhere.
#
# Keep this file free of side effects (no files written, no commands run): it may be
# sourced by other tools, e.g.  source deploy/env.sh && echo "$MITEOS_S3_ENDPOINT"

# --- HTTP services ---------------------------------------------------------------------
# The gateway is the only public entry point; the other services bind to loopback.
: "${MITEOS_GATEWAY_PORT:=8080}";             export MITEOS_GATEWAY_PORT
: "${MITEOS_GATEWAY_HOST:=0.0.0.0}";          export MITEOS_GATEWAY_HOST
: "${MITEOS_TASK_SERVICE_PORT:=8081}";        export MITEOS_TASK_SERVICE_PORT
: "${MITEOS_ORCHESTRATOR_PORT:=8082}";        export MITEOS_ORCHESTRATOR_PORT
: "${MITEOS_DELIVERABLE_SERVICE_PORT:=8083}"; export MITEOS_DELIVERABLE_SERVICE_PORT
: "${MITEOS_BIND_HOST:=127.0.0.1}";           export MITEOS_BIND_HOST
# Instance k >= 2 of a service (./miteos up --scale <service>=<n>) listens on the service's
# port + MITEOS_INSTANCE_PORT_STEP * (k - 1): 8180 for api-gateway-2, 8282 for agent-orchestrator-3.
: "${MITEOS_INSTANCE_PORT_STEP:=100}";        export MITEOS_INSTANCE_PORT_STEP
# The reactive PostgreSQL connections all local instances may open together, shared out evenly
# (12 each for one of every service, 5 each at the scale test's 9 instances); MITEOS_DB_POOL_SIZE,
# when set, gives every instance that many instead.
: "${MITEOS_DB_CONNECTION_BUDGET:=48}";       export MITEOS_DB_CONNECTION_BUDGET

# Service-to-service URLs, derived from the ports above.
: "${MITEOS_TASK_SERVICE_URL:=http://127.0.0.1:${MITEOS_TASK_SERVICE_PORT}}";               export MITEOS_TASK_SERVICE_URL
: "${MITEOS_DELIVERABLE_SERVICE_URL:=http://127.0.0.1:${MITEOS_DELIVERABLE_SERVICE_PORT}}"; export MITEOS_DELIVERABLE_SERVICE_URL

# --- Kafka (single-node KRaft: broker + controller) ------------------------------------
: "${MITEOS_KAFKA_PORT:=9092}";                         export MITEOS_KAFKA_PORT
: "${MITEOS_KAFKA_CONTROLLER_PORT:=9093}";              export MITEOS_KAFKA_CONTROLLER_PORT
: "${MITEOS_KAFKA_BOOTSTRAP:=127.0.0.1:${MITEOS_KAFKA_PORT}}"; export MITEOS_KAFKA_BOOTSTRAP
# Topics created up front by ./miteos (auto-creation stays on as a safety net).
: "${MITEOS_KAFKA_TOPICS:=task.created task.cancel task.control task.status task.deliverable task.dlq}"; export MITEOS_KAFKA_TOPICS
# Every topic gets this many partitions. The command topics (task.created, task.cancel,
# task.control) must have the same count: it is the most orchestrator replicas that can share
# the work. Never change it on a live system: a task's partition follows from its id and the count.
: "${MITEOS_KAFKA_TOPIC_PARTITIONS:=12}";               export MITEOS_KAFKA_TOPIC_PARTITIONS
# How long the broker keeps a silent member in its consumer group (every service's consumers use
# the consumer group protocol): a crashed orchestrator's partitions (and tasks) move to another,
# and a crashed read model's events are read again, after this long (heartbeats every 500 ms;
# at least 3000).
: "${MITEOS_KAFKA_SESSION_TIMEOUT_MS:=6000}";           export MITEOS_KAFKA_SESSION_TIMEOUT_MS

# --- S3-compatible object storage (S3Proxy locally, MinIO in docker-compose) -----------
: "${MITEOS_S3_PORT:=9000}";                                     export MITEOS_S3_PORT
: "${MITEOS_S3_ENDPOINT:=http://127.0.0.1:${MITEOS_S3_PORT}}";   export MITEOS_S3_ENDPOINT
# Host name used in presigned URLs handed to API clients (must be reachable by them).
: "${MITEOS_S3_PUBLIC_ENDPOINT:=http://localhost:${MITEOS_S3_PORT}}"; export MITEOS_S3_PUBLIC_ENDPOINT
: "${MITEOS_S3_ACCESS_KEY:=miteos-local}";                       export MITEOS_S3_ACCESS_KEY
: "${MITEOS_S3_SECRET_KEY:=miteos-local-secret-key}";            export MITEOS_S3_SECRET_KEY
: "${MITEOS_S3_REGION:=us-east-1}";                              export MITEOS_S3_REGION
: "${MITEOS_S3_BUCKET:=miteos-deliverables}";                    export MITEOS_S3_BUCKET

# --- Local trace viewer (only with ./miteos up --tracing, see deploy/tracing.sh) -----------
# Zipkin's API and UI (http://localhost:9411/zipkin/), and the OTLP/HTTP port where the services
# then send their spans (MITEOS_OTLP_ENDPOINT=http://127.0.0.1:4318, MITEOS_OTLP_PROTOCOL=http/protobuf).
: "${MITEOS_ZIPKIN_PORT:=9411}";      export MITEOS_ZIPKIN_PORT
: "${MITEOS_OTLP_BRIDGE_PORT:=4318}"; export MITEOS_OTLP_BRIDGE_PORT

# --- PostgreSQL --------------------------------------------------------------------------
# ./miteos uses the server at MITEOS_DB_HOST:MITEOS_DB_PORT when one answers there, and
# otherwise starts an embedded PostgreSQL on that port (local hosts only).
: "${MITEOS_DB_HOST:=127.0.0.1}"; export MITEOS_DB_HOST
: "${MITEOS_DB_PORT:=5432}";      export MITEOS_DB_PORT
: "${MITEOS_DB_USER:=postgres}";  export MITEOS_DB_USER
: "${MITEOS_DB_PASSWORD=}";       export MITEOS_DB_PASSWORD   # empty is a valid value (trust auth)
# One database per service; ./miteos sets MITEOS_DB_NAME for each service process. The
# *_test databases belong to the @QuarkusTest suites, which wipe them at every start.
: "${MITEOS_DB_NAMES:=miteos_gateway miteos_tasks miteos_orchestrator miteos_deliverables miteos_gateway_test miteos_tasks_test miteos_deliverables_test miteos_orchestrator_test}"; export MITEOS_DB_NAMES

# --- Secrets -------------------------------------------------------------------------------
# MITEOS_ADMIN_TOKEN: when unset, ./miteos generates one into .miteos/admin-token (mode 600)
# on first use and reuses it afterwards. It is not defaulted here on purpose.
