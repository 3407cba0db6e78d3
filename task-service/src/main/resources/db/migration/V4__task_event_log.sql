-- The per-task event log behind GET /v1/tasks/{id}/events (EventLogProjection).
--
-- task_event: the public stream, numbered 1, 2, 3... per task without gaps. Rows are only ever
-- appended, in the projection's transaction, so a reader that has every event up to id n asks for
-- id > n and misses nothing.
CREATE TABLE task_event (
    task_id text   NOT NULL,
    id      bigint NOT NULL,
    type    text   NOT NULL,
    data    jsonb  NOT NULL,
    PRIMARY KEY (task_id, id)
);

-- task_stream: how far each task's stream got. applied_sequence is the last orchestrator sequence
-- (0 = task.created) turned into stream events; state is the snapshot the next one is compared with.
CREATE TABLE task_stream (
    task_id          text   PRIMARY KEY,
    applied_sequence bigint NOT NULL,
    last_event_id    bigint NOT NULL,
    state            jsonb
);

-- task_stream_source: orchestrator events that came before one of their predecessors (status and
-- deliverable events travel on different topics), held until the gap is filled; then applied in
-- sequence order and deleted. The primary key makes a redelivered one a no-op.
CREATE TABLE task_stream_source (
    task_id  text   NOT NULL,
    sequence bigint NOT NULL,
    envelope jsonb  NOT NULL,
    PRIMARY KEY (task_id, sequence)
);

-- Tasks projected before this log existed have no history: their stream starts from their
-- current state. A finished one gets its terminal event, so a reader is told the end and closed.
INSERT INTO task_stream (task_id, applied_sequence, last_event_id, state)
SELECT id, sequence, CASE WHEN status IN ('complete', 'failed', 'cancelled') THEN 1 ELSE 0 END,
       jsonb_build_object('status', status, 'agents', agents, 'cost', cost)
           || CASE WHEN status_detail IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('status_detail', status_detail) END
  FROM tasks;

INSERT INTO task_event (task_id, id, type, data)
SELECT id, 1,
       CASE status WHEN 'complete' THEN 'task.completed' WHEN 'failed' THEN 'task.failed' ELSE 'task.cancelled' END,
       jsonb_strip_nulls(jsonb_build_object('task_id', id, 'status', status, 'cost', cost,
           'deliverables_count', deliverables_count, 'error', error, 'deployment', deployment,
           'occurred_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))
  FROM tasks WHERE status IN ('complete', 'failed', 'cancelled');
