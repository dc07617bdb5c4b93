-- Money in only through the payment rail: a deposit is an intent (what the enterprise will transfer, under a reference
-- it writes on the transfer) until the bank confirms it (signed callback) or an operator confirms it against the bank
-- statement's transaction id. Only then is the wallet credited, once.
CREATE TABLE deposits (
    id                  uuid PRIMARY KEY,
    enterprise_org_id   uuid NOT NULL,
    amount              numeric(20, 2) NOT NULL CHECK (amount > 0),
    currency            text NOT NULL,
    reference           text NOT NULL UNIQUE,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'credited', 'failed')),
    failure_reason      text,
    bank_transaction_id text UNIQUE,
    confirmed_by        text,
    transaction_id      uuid,
    requested_by        uuid NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz
);
CREATE INDEX deposits_by_org ON deposits (enterprise_org_id, created_at DESC, id DESC);
CREATE INDEX deposits_pending ON deposits (created_at) WHERE status = 'pending';

-- The fake bank's pay-in behaviour per paying organisation (parallel tests each set their own): succeed (default),
-- fail, timeout (no answer ever comes) or duplicate-callback (the confirmation arrives twice).
CREATE TABLE fake_pay_in_modes (
    enterprise_org_id uuid PRIMARY KEY,
    mode              text NOT NULL CHECK (mode IN ('succeed', 'fail', 'timeout', 'duplicate-callback'))
);
-- What the fake bank received (its own books, which reconciliation compares with the ledger).
CREATE TABLE fake_pay_ins (
    bank_transaction_id text PRIMARY KEY,
    reference           text NOT NULL,
    amount              numeric(20, 2) NOT NULL,
    currency            text NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now(),
    callbacks           integer NOT NULL DEFAULT 0
);
