-- The deliverable read model: what files each task produced and where they are stored.
CREATE TABLE deliverables (
    id           text        PRIMARY KEY,
    task_id      text        NOT NULL,
    account_id   text        NOT NULL,
    mode         text        NOT NULL,
    agent_id     text,
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    object_key   text        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX deliverables_by_task ON deliverables (account_id, mode, task_id, created_at, id);

-- Insert-first deduplication, in the same transaction as the projection.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
