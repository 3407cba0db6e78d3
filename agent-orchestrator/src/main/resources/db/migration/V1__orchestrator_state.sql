-- The orchestrator's own state (issue 4): what it needs to resume any task after a crash.
-- Every change to a task and the events it implies are written in one transaction, the
-- events as outbox rows that the relay publishes to Kafka.

-- One row per task this orchestrator accepted from task.created.
CREATE TABLE tasks (
    task_id          text PRIMARY KEY,
    account_id       text        NOT NULL,
    mode             text        NOT NULL,
    -- The TaskCreated envelope as received: prompt and config.
    created_event    text        NOT NULL,
    status           text        NOT NULL,
    -- The run's durable state (agents, cost, files, plan, pause, sequence…), see RunState.
    state            text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    -- The orchestrator instance running it, and how often it had to be resumed.
    owner            text,
    resumes          integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_unfinished ON tasks (owner) WHERE status NOT IN ('complete', 'failed', 'cancelled');

-- One conversation of an agent (its own work, or the writer's synthesis) as of its last
-- completed model call or tool call.
CREATE TABLE agent_checkpoints (
    task_id            text        NOT NULL REFERENCES tasks ON DELETE CASCADE,
    conversation       text        NOT NULL,
    step               integer     NOT NULL,
    messages           text        NOT NULL,
    user_messages_seen integer     NOT NULL,
    -- Set once the conversation finished: its summary for the writer.
    summary            text,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, conversation)
);

-- Cancels and pauses that arrived before their task (they travel on other topics).
CREATE TABLE early_commands (
    task_id     text PRIMARY KEY,
    cancel      boolean     NOT NULL DEFAULT false,
    pause       boolean     NOT NULL DEFAULT false,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Events waiting for the relay, in the order they happened. JSON is kept as text: it is
-- written and read whole, and text keeps any escaped character a model may produce.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text        NOT NULL,
    record_key text        NOT NULL,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Live orchestrator instances: a task whose owner stopped heartbeating is taken over.
CREATE TABLE instances (
    instance_id  text PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
