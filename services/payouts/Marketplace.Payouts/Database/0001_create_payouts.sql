-- One earning per approved assignment.
CREATE TABLE earnings (
    assignment_id uuid PRIMARY KEY,
    worker_id     uuid           NOT NULL,
    order_id      uuid           NOT NULL,
    amount        numeric(20, 4) NOT NULL CHECK (amount >= 0),
    currency      char(3)        NOT NULL,
    approved_at   timestamptz    NOT NULL,
    created_at    timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX earnings_worker ON earnings (worker_id, approved_at DESC);

CREATE TABLE worker_balances (
    worker_id uuid           NOT NULL,
    currency  char(3)        NOT NULL,
    available numeric(20, 4) NOT NULL DEFAULT 0 CHECK (available >= 0),
    PRIMARY KEY (worker_id, currency)
);

CREATE TABLE payout_batches (
    id          uuid PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    payouts     int         NOT NULL DEFAULT 0,
    total       numeric(20, 2) NOT NULL DEFAULT 0
);

CREATE TABLE payouts (
    id             uuid PRIMARY KEY,
    batch_id       uuid           NOT NULL REFERENCES payout_batches (id),
    worker_id      uuid           NOT NULL,
    amount         numeric(20, 2) NOT NULL CHECK (amount > 0),
    currency       char(3)        NOT NULL,
    status         text           NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    rail_reference text           NULL,
    failure_reason text           NULL,
    attempts       int            NOT NULL DEFAULT 0,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    last_attempt_at timestamptz   NULL,
    completed_at   timestamptz    NULL
);
CREATE INDEX payouts_worker ON payouts (worker_id, created_at DESC);
CREATE INDEX payouts_pending ON payouts (created_at) WHERE status = 'pending';

-- The fake bank's own books (a real provider keeps these on its side): what it received, once per reference.
CREATE TABLE fake_bank_transfers (
    reference   text PRIMARY KEY,
    worker_id   uuid           NOT NULL,
    amount      numeric(20, 2) NOT NULL,
    currency    char(3)        NOT NULL,
    received_at timestamptz    NOT NULL DEFAULT now()
);
CREATE TABLE fake_bank_settings (
    id   int PRIMARY KEY CHECK (id = 1),
    mode text NOT NULL CHECK (mode IN ('succeed', 'decline', 'timeout'))
);
INSERT INTO fake_bank_settings (id, mode) VALUES (1, 'succeed');
