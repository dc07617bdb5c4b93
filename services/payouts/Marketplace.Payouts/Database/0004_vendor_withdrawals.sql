-- A vendor organisation's company bank account, and its withdrawals through the same payment rail as workers' payouts
-- (the fake bank and its failure modes). Settlement holds the money; payouts only carries it to the bank and answers.
CREATE TABLE vendor_payout_accounts (
    vendor_org_id uuid PRIMARY KEY,
    bank_name     text        NOT NULL CHECK (length(bank_name) BETWEEN 2 AND 100),
    account       text        NOT NULL CHECK (account ~ '^[0-9]{8,30}$'),
    masked        text        NOT NULL,
    holder        text        NOT NULL CHECK (length(holder) BETWEEN 2 AND 100),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vendor_withdrawals (
    id              uuid PRIMARY KEY,
    vendor_org_id   uuid           NOT NULL,
    amount          numeric(20, 2) NOT NULL CHECK (amount > 0),
    currency        char(3)        NOT NULL,
    destination     text           NULL,
    status          text           NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    rail_reference  text           NULL,
    failure_reason  text           NULL,
    attempts        int            NOT NULL DEFAULT 0,
    created_at      timestamptz    NOT NULL DEFAULT now(),
    last_attempt_at timestamptz    NULL,
    completed_at    timestamptz    NULL
);
CREATE INDEX vendor_withdrawals_pending ON vendor_withdrawals (created_at) WHERE status = 'pending';
