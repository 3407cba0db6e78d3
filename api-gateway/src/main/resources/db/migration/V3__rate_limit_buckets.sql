-- The rate limit's token buckets, one row per API key, shared by every gateway replica
-- (miteos.rate-limit.store=shared). Bucket4j's PostgreSQL proxy manager owns the rows: it locks a
-- row (SELECT ... FOR UPDATE), computes the bucket in the gateway and writes its serialized state
-- back. expires_at (epoch milliseconds) is when the bucket will have been full again for a while:
-- a bucket past it is the same as a new one, so ApiKeyRateLimiter deletes such rows periodically.
CREATE TABLE rate_limit_buckets (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);

CREATE INDEX rate_limit_buckets_expiry ON rate_limit_buckets (expires_at);
