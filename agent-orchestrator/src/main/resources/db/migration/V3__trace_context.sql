-- Traces (issue 10): the W3C trace context (traceparent) of the task.created record a task came
-- with. Its outbox rows (task.status, task.deliverable) are published in that trace, whenever and
-- by whichever instance the relay runs. Null for tasks and rows from before tracing.
ALTER TABLE tasks ADD COLUMN traceparent text;
ALTER TABLE outbox ADD COLUMN traceparent text;
