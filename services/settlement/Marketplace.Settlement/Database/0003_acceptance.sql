-- An accepted order's unspent escrow is released to the enterprise's wallet (kind 'release'), once every approval it
-- will ever have is booked: the same wait as a cancelled order's refund, so both are order closures.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('deposit', 'escrow', 'approval', 'payout', 'refund', 'release', 'reversal'));

ALTER TABLE order_closures ADD COLUMN reason text NOT NULL DEFAULT 'cancelled' CHECK (reason IN ('cancelled', 'accepted'));
ALTER TABLE order_closures RENAME COLUMN cancelled_at TO closed_at;
ALTER TABLE order_closures RENAME COLUMN refunded_at TO settled_at;
