-- Escrow is reserved first and moved later: a pending transfer holds the budget out of the wallet (accounts.pending)
-- until work starts (posted: booked as a ledger transaction) or the order is cancelled first or the reservation times
-- out (voided / expired: nothing was ever booked).
ALTER TABLE accounts ADD COLUMN pending numeric(20, 4) NOT NULL DEFAULT 0 CHECK (pending >= 0);
-- A credit-normal account cannot promise more than it holds: its credit balance covers what it has reserved.
ALTER TABLE accounts ADD CONSTRAINT credit_normal_accounts_cover_pending
    CHECK (kind NOT IN ('wallet', 'escrow', 'worker_payable', 'platform_fee') OR balance + pending <= 0);

CREATE TABLE pending_transfers (
    id                    uuid PRIMARY KEY,
    business_key          text           NOT NULL,
    order_id              uuid           NOT NULL,
    enterprise_org_id     uuid           NOT NULL,
    debit_account_id      uuid           NOT NULL REFERENCES accounts (id),
    credit_account_id     uuid           NOT NULL REFERENCES accounts (id),
    amount                numeric(20, 4) NOT NULL CHECK (amount > 0),
    currency              char(3)        NOT NULL,
    status                text           NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided', 'expired')),
    created_at            timestamptz    NOT NULL DEFAULT now(),
    expires_at            timestamptz    NOT NULL,
    resolved_at           timestamptz    NULL,
    ledger_transaction_id uuid           NULL REFERENCES ledger_transactions (id),
    CHECK ((status = 'posted') = (ledger_transaction_id IS NOT NULL))
);
-- One live reservation per business fact; an expired or voided one may be followed by a new one (publish again).
CREATE UNIQUE INDEX pending_transfers_live_key ON pending_transfers (business_key) WHERE status IN ('pending', 'posted');
CREATE INDEX pending_transfers_order ON pending_transfers (order_id);
CREATE INDEX pending_transfers_due ON pending_transfers (expires_at) WHERE status = 'pending';

-- Append-only but for the one resolution: pending -> posted | voided | expired, once, touching nothing else.
CREATE FUNCTION pending_transfer_resolves_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'pending transfers are never deleted';
    END IF;
    IF OLD.status <> 'pending' OR NEW.status = 'pending'
       OR NEW.id <> OLD.id OR NEW.business_key <> OLD.business_key OR NEW.order_id <> OLD.order_id
       OR NEW.debit_account_id <> OLD.debit_account_id OR NEW.credit_account_id <> OLD.credit_account_id
       OR NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency OR NEW.expires_at <> OLD.expires_at
       OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'a pending transfer only resolves once, from pending to posted, voided or expired';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER pending_transfers_resolve_once BEFORE UPDATE OR DELETE ON pending_transfers
    FOR EACH ROW EXECUTE FUNCTION pending_transfer_resolves_once();

ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('deposit', 'escrow', 'approval', 'payout', 'refund', 'release', 'reversal', 'fee', 'bonus'));
