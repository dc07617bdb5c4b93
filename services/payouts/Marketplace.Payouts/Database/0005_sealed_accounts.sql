-- Account numbers are kept sealed (AES-GCM, key outside the database: Payouts:AccountKey), never in clear. The key is not
-- in the database, so this migration cannot seal the rows an older install stored: the seal-clear-accounts job does
-- (every minute, from the first start), setting the clear column to NULL. New rows never have it.
ALTER TABLE payout_methods ALTER COLUMN account DROP NOT NULL;
ALTER TABLE payout_methods ADD COLUMN account_sealed bytea NULL;
ALTER TABLE payout_methods ADD CONSTRAINT payout_methods_account_kept CHECK (account IS NOT NULL OR account_sealed IS NOT NULL);
CREATE INDEX payout_methods_clear ON payout_methods (worker_id) WHERE account IS NOT NULL;

ALTER TABLE vendor_payout_accounts ALTER COLUMN account DROP NOT NULL;
ALTER TABLE vendor_payout_accounts ADD COLUMN account_sealed bytea NULL;
ALTER TABLE vendor_payout_accounts ADD CONSTRAINT vendor_payout_accounts_account_kept CHECK (account IS NOT NULL OR account_sealed IS NOT NULL);
CREATE INDEX vendor_payout_accounts_clear ON vendor_payout_accounts (vendor_org_id) WHERE account IS NOT NULL;
