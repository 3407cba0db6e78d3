-- When the broker acknowledged a submission's task.created. The POST stores the submission,
-- publishes, then stamps published_at; a row still without it (the broker refused the record,
-- or the gateway died in between) is published by the relay (SubmissionRelay) or by a retry
-- with the same Idempotency-Key.
ALTER TABLE task_submissions ADD COLUMN published_at timestamptz;

-- Earlier rows were answered only once the broker had them (a refused publish deleted its row):
-- they are not published again.
UPDATE task_submissions SET published_at = created_at;

-- The relay reads the unpublished rows oldest first; they are few, and so is this index.
CREATE INDEX task_submissions_unpublished ON task_submissions (created_at, task_id) WHERE published_at IS NULL;
