-- Webhooks (README: Webhooks). An account registers endpoints per mode; the event log's
-- projection (EventLogProjection) inserts one webhook_delivery per matching endpoint in the same
-- transaction that appends the task_event, and WebhookDeliveryWorker sends them.

-- webhook_endpoint: secret signs every delivery; during a rotation previous_secret signs too,
-- until previous_secret_expires_at. first_failure_at is when the current run of failed attempts
-- began (null after a success); an endpoint failing for too long, or answering 410, is disabled
-- with a reason its owner sees in GET /v1/webhooks.
CREATE TABLE webhook_endpoint (
    id                         text        PRIMARY KEY,
    account_id                 text        NOT NULL,
    mode                       text        NOT NULL,
    url                        text        NOT NULL,
    events                     text[]      NOT NULL,
    secret                     text        NOT NULL,
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    first_failure_at           timestamptz,
    disabled_at                timestamptz,
    disabled_reason            text
);

CREATE INDEX webhook_endpoint_by_owner ON webhook_endpoint (account_id, mode, created_at DESC, id DESC);

-- webhook_delivery: one event for one endpoint. id is the Standard Webhooks webhook-id, the same
-- on every attempt. The unique key makes a re-applied event insert nothing. state: pending (to be
-- sent at next_attempt_at), delivered, failed (retries exhausted, or the endpoint answered 410).
-- A worker claims a due row by setting claimed_until (a lease): a worker that dies mid-send
-- leaves the row to be claimed again once the lease has passed.
CREATE TABLE webhook_delivery (
    id               text        PRIMARY KEY,
    endpoint_id      text        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    task_id          text        NOT NULL,
    task_event_id    bigint      NOT NULL,
    event_type       text        NOT NULL,
    payload          text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    last_status_code integer,
    last_error       text,
    next_attempt_at  timestamptz,
    claimed_until    timestamptz,
    claimed_by       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, task_id, task_event_id)
);

CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_by_endpoint ON webhook_delivery (endpoint_id, created_at DESC, id DESC);
