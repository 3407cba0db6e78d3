-- The task read model. A row may be created by a status event that overtook its task.created
-- (they travel on different topics); such a row has no prompt yet and is not served until
-- task.created fills it in.
CREATE TABLE tasks (
    id                 text        PRIMARY KEY,
    account_id         text        NOT NULL,
    mode               text        NOT NULL,
    status             text        NOT NULL,
    prompt             text,
    config             jsonb,
    agents             jsonb       NOT NULL DEFAULT '[]'::jsonb,
    cost               numeric(20, 6) NOT NULL DEFAULT 0,
    deliverables_count integer     NOT NULL DEFAULT 0,
    error              jsonb,
    sequence           bigint      NOT NULL,
    created_at         timestamptz,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX tasks_by_owner ON tasks (account_id, mode, created_at DESC, id DESC);
CREATE INDEX tasks_by_owner_status ON tasks (account_id, mode, status, created_at DESC, id DESC);

-- Insert-first deduplication: a consumer records an event id in the same transaction as
-- its projection, and skips the event when the insert finds it already there.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
