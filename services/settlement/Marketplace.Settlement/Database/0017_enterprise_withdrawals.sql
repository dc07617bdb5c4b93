-- Enterprises withdraw an unspent wallet balance by the vendors' path: one table of withdrawals, each taken from the
-- account that held the money (a vendor's payable or an enterprise's wallet), held in that account's pending while the
-- bank works and booked account -> bank when it pays.
ALTER TABLE vendor_withdrawals ADD COLUMN source text NOT NULL DEFAULT 'vendor_payable' CHECK (source IN ('vendor_payable', 'wallet'));
CREATE INDEX vendor_withdrawals_pending_wallets ON vendor_withdrawals (vendor_org_id) WHERE status = 'pending' AND source = 'wallet';
