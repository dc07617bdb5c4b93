-- Tokens can be revoked: one at sign-out (its id until it would have expired), or all of an account's at a password
-- change (the account's token version goes up; a token carries the version it was issued under).
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

CREATE TABLE revoked_tokens (
    token_id   uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
