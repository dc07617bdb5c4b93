-- The relay claims a batch with a short lease instead of holding row locks while it waits for the broker, and stamps
-- published_at with the time the broker confirmed. trace_parent is the W3C traceparent of the request or message that
-- wrote the row, so the relay publishes inside that trace and the consumers' spans join it.
ALTER TABLE outbox_messages
    ADD COLUMN locked_until timestamptz NULL,
    ADD COLUMN locked_by    text        NULL,
    ADD COLUMN trace_parent text        NULL CHECK (length(trace_parent) <= 128);
