-- The W3C trace context (traceparent) of the request that submitted the task: whoever publishes its
-- task.created (the POST, the relay, a retry) makes the record continue that trace. Null for rows
-- stored before tracing and for requests without a trace.
ALTER TABLE task_submissions ADD COLUMN traceparent text;
