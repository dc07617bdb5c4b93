-- In-app notifications: one row per recipient. The text is the portal's to write (in Chinese or English): a row keeps a
-- stable kind and the facts to fill it with, never a sentence.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id),
    kind        text        NOT NULL CHECK (kind ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$' AND length(kind) <= 100),
    params      jsonb       NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    -- The business time of what happened (the event's OccurredAt); created_at is when it was written here.
    occurred_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    -- The message that caused it: one notification per recipient per message, whatever the inbox says.
    source_message_id uuid  NOT NULL,
    UNIQUE (source_message_id, user_id, kind)
);
-- A user's list, newest first, and their unread count.
CREATE INDEX notifications_user_newest ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL;
