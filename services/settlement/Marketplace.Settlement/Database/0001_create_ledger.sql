-- Double-entry ledger. Postings are signed: debit positive, credit negative; a transaction's postings sum to zero.
CREATE TABLE accounts (
    id         uuid PRIMARY KEY,
    code       text        NOT NULL UNIQUE,
    kind       text        NOT NULL CHECK (kind IN ('bank', 'wallet', 'escrow', 'worker_payable', 'platform_fee')),
    owner_id   uuid        NULL,
    currency   char(3)     NOT NULL,
    balance    numeric(20, 4) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Liabilities and revenue are credit-normal: they can never hold a debit balance (no overdrawn wallet).
    CONSTRAINT credit_normal_accounts_never_debit CHECK (kind NOT IN ('wallet', 'escrow', 'worker_payable', 'platform_fee') OR balance <= 0),
    CONSTRAINT bank_never_credit CHECK (kind <> 'bank' OR balance >= 0)
);
CREATE INDEX accounts_owner ON accounts (owner_id);

CREATE TABLE ledger_transactions (
    id             uuid PRIMARY KEY,
    business_key   text        NOT NULL UNIQUE,
    kind           text        NOT NULL CHECK (kind IN ('deposit', 'escrow', 'approval', 'payout', 'reversal')),
    order_id       uuid        NULL,
    correlation_id uuid        NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_occurred ON ledger_transactions (occurred_at);
CREATE INDEX ledger_transactions_order ON ledger_transactions (order_id);

CREATE TABLE postings (
    id             bigserial PRIMARY KEY,
    transaction_id uuid           NOT NULL REFERENCES ledger_transactions (id),
    account_id     uuid           NOT NULL REFERENCES accounts (id),
    amount         numeric(20, 4) NOT NULL CHECK (amount <> 0),
    currency       char(3)        NOT NULL
);
CREATE INDEX postings_transaction ON postings (transaction_id);
CREATE INDEX postings_account ON postings (account_id);

-- The database refuses an unbalanced transaction at commit, whatever code wrote it.
CREATE FUNCTION assert_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric;
BEGIN
    SELECT coalesce(sum(amount), 0) INTO total FROM postings WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER postings_balance
    AFTER INSERT ON postings
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION assert_transaction_balances();

-- Append-only: postings and transactions are never changed; corrections are reversing transactions.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only';
END $$;
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION refuse_change();
