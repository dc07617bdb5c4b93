ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('deposit', 'escrow', 'approval', 'payout', 'refund', 'reversal'));

-- A cancelled order: its escrow is refunded once every approval it will ever have is booked.
CREATE TABLE order_closures (
    order_id           uuid PRIMARY KEY,
    enterprise_org_id  uuid        NOT NULL,
    currency           char(3)     NOT NULL,
    work_started       boolean     NOT NULL,
    expected_approvals int         NULL CHECK (expected_approvals >= 0),
    cancelled_at       timestamptz NOT NULL,
    refunded_at        timestamptz NULL
);
