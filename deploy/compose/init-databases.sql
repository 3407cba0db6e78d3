-- One database per Miteos service (same names as MITEOS_DB_NAMES in deploy/env.sh).
-- Mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml: the postgres image runs
-- it once, when the data volume is initialised. (./miteos creates these databases itself.)
CREATE DATABASE miteos_gateway;
CREATE DATABASE miteos_tasks;
CREATE DATABASE miteos_orchestrator;
CREATE DATABASE miteos_deliverables;
