-- Messages a service has committed to send; the relay publishes them until the broker confirms.
CREATE TABLE outbox_messages (
    id              bigserial PRIMARY KEY,
    message_id      uuid        NOT NULL UNIQUE,
    message_type    text        NOT NULL,
    body            jsonb       NOT NULL,
    correlation_id  uuid        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text        NULL,
    published_at    timestamptz NULL
);
CREATE INDEX outbox_messages_pending ON outbox_messages (next_attempt_at, id) WHERE published_at IS NULL;

-- Messages a consumer has already applied: recorded in the same transaction as the effect.
CREATE TABLE inbox_messages (
    message_id  uuid        NOT NULL,
    consumer    text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);

-- Replayed money requests answer what they answered the first time.
CREATE TABLE idempotency_keys (
    scope           text        NOT NULL,
    key             text        NOT NULL,
    request_hash    text        NOT NULL,
    response_status int         NULL,
    response_body   jsonb       NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
