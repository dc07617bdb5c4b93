-- Failed sign-ins per e-mail address (as typed, normalised; whether or not an account has it), kept for the lockout
-- window: enough of them refuse further attempts for a while, before any password hash is computed.
CREATE TABLE sign_in_failures (
    email     text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, failed_at);
