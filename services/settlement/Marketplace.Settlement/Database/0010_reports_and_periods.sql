-- What settlement knows about an order beyond its money, for reports by industry and task type and the marketplace
-- figures (items and bytes of data). Filled from OrderPublished; an order published again keeps its first facts.
CREATE TABLE order_facts (
    order_id          uuid PRIMARY KEY,
    enterprise_org_id uuid        NOT NULL,
    industry          text        NOT NULL,
    task_type         text        NOT NULL,
    mode              text        NOT NULL,
    currency          char(3)     NOT NULL,
    budget            numeric(20, 4) NOT NULL,
    item_count        int         NOT NULL CHECK (item_count >= 0),
    data_bytes        bigint      NOT NULL CHECK (data_bytes >= 0),
    published_at      timestamptz NOT NULL
);

-- A closed period: its report is computed once and stored; afterwards the period always answers these figures.
CREATE TABLE closed_periods (
    id        uuid PRIMARY KEY,
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL,
    currency  char(3)     NOT NULL,
    closed_by uuid        NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    report    jsonb       NOT NULL,
    csv       text        NOT NULL,
    CHECK (ends_at > starts_at),
    CONSTRAINT closed_periods_do_not_overlap EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&)
);

-- Every ledger transaction is reported in a period by reported_at: its occurred_at, unless that falls inside a closed
-- period (a late fact), in which case it is reported at the start of the next open period. The business time stays in
-- occurred_at (reconciliation compares on it); the closed period's figures never move.
ALTER TABLE ledger_transactions ADD COLUMN reported_at timestamptz NULL;
ALTER TABLE ledger_transactions DISABLE TRIGGER transactions_append_only;
UPDATE ledger_transactions SET reported_at = occurred_at;
ALTER TABLE ledger_transactions ENABLE TRIGGER transactions_append_only;
ALTER TABLE ledger_transactions ALTER COLUMN reported_at SET NOT NULL;

CREATE FUNCTION set_reported_at() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE period_end timestamptz;
BEGIN
    -- Shared with every other booking, exclusive with closing a period: a close waits for bookings in flight, and a
    -- booking after it sees the closed period.
    PERFORM pg_advisory_xact_lock_shared(7361010001);
    NEW.reported_at := NEW.occurred_at;
    LOOP
        SELECT ends_at INTO period_end FROM closed_periods
        WHERE starts_at <= NEW.reported_at AND ends_at > NEW.reported_at;
        EXIT WHEN NOT FOUND;
        NEW.reported_at := period_end;
    END LOOP;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_transactions_reported_at BEFORE INSERT ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION set_reported_at();

-- Reports read a period's transactions by reported_at, and an account's movements after a date (balance at the end =
-- current balance minus what moved since), so neither scans the whole ledger.
CREATE INDEX ledger_transactions_reported ON ledger_transactions (reported_at) INCLUDE (id, kind, order_id);
CREATE INDEX postings_transaction_account ON postings (transaction_id) INCLUDE (account_id, amount);
CREATE INDEX accounts_kind ON accounts (kind, owner_id);
