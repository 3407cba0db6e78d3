-- Accounts and their API keys. Only a SHA-256 hash of each token is stored; the plaintext is
-- shown once, when the key is created.
CREATE TABLE accounts (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id           text        PRIMARY KEY,
    account_id   text        NOT NULL REFERENCES accounts (id),
    mode         text        NOT NULL CHECK (mode IN ('live', 'test')),
    token_hash   bytea       NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_by_account ON api_keys (account_id);

-- Every task the gateway accepted, as accepted. It answers GET for a task that the read model
-- has not projected yet (read-your-writes), and makes Idempotency-Key retries safe.
CREATE TABLE task_submissions (
    task_id         text        PRIMARY KEY,
    account_id      text        NOT NULL,
    mode            text        NOT NULL,
    idempotency_key text,
    request_hash    text        NOT NULL,
    prompt          text        NOT NULL,
    config          jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (account_id, mode, idempotency_key)
);
