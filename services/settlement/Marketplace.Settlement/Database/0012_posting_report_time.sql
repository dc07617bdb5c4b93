-- Each posting carries what reports ask of its transaction: reported_at, kind and order_id (copied once, at insert,
-- from a transaction that never changes), so a report reads a period's postings, or one account's postings in time
-- order, from one index instead of joining every posting to its transaction. At 10,000,000 postings those joins read
-- the whole ledger for a one-month report.
ALTER TABLE postings ADD COLUMN reported_at timestamptz NULL, ADD COLUMN tx_kind text NULL, ADD COLUMN order_id uuid NULL;
ALTER TABLE postings DISABLE TRIGGER postings_append_only;
UPDATE postings p SET reported_at = t.reported_at, tx_kind = t.kind, order_id = t.order_id
FROM ledger_transactions t WHERE t.id = p.transaction_id;
ALTER TABLE postings ENABLE TRIGGER postings_append_only;
ALTER TABLE postings ALTER COLUMN reported_at SET NOT NULL, ALTER COLUMN tx_kind SET NOT NULL;

CREATE FUNCTION copy_transaction_to_posting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT reported_at, kind, order_id INTO NEW.reported_at, NEW.tx_kind, NEW.order_id
    FROM ledger_transactions WHERE id = NEW.transaction_id;
    RETURN NEW;
END $$;
CREATE TRIGGER postings_copy_transaction BEFORE INSERT ON postings FOR EACH ROW EXECUTE FUNCTION copy_transaction_to_posting();

-- A period's postings (reports' flows), and one account's postings in time order (balance at a date; a worker's
-- earnings newest first for the payouts' first-in-first-out spread); the second replaces the plain account index.
CREATE INDEX postings_reported ON postings (reported_at) INCLUDE (account_id, amount, currency, tx_kind, order_id, transaction_id);
CREATE INDEX postings_account_reported ON postings (account_id, reported_at, id) INCLUDE (amount, order_id);
DROP INDEX postings_account;
-- An order's postings (the value of a delivered dataset, an enterprise's spend by order).
CREATE INDEX postings_order ON postings (order_id) INCLUDE (account_id, amount, reported_at) WHERE order_id IS NOT NULL;

-- First in, first out: a worker's payouts settle their oldest earnings first, so at a period's end what the worker is
-- still owed is their latest earnings, and what the period's payouts settled is the earnings just before those. For each
-- worker payable account with something owed at @to or paid in [@from, @to), walks the account's credits from @to
-- backwards and stops as soon as both amounts are spread: a worker paid weekly reads a few weeks of earnings, not their
-- whole history. Returns one row per credit that carries a share, with the credit's order (NULL: not an order's, e.g.
-- a bonus without one). The caller gives the accounts with what each is owed at @to and was paid in the period, as
-- three arrays of one order.
CREATE FUNCTION payables_first_in_first_out(p_to timestamptz, p_accounts uuid[], p_owed numeric[], p_paid numeric[])
RETURNS TABLE (order_id uuid, owed numeric, paid numeric) LANGUAGE plpgsql STABLE AS $$
DECLARE
    w record;
    c record;
    left_owed numeric;
    left_paid numeric;
    credit numeric;
    take_owed numeric;
    take_paid numeric;
BEGIN
    FOR w IN SELECT x.id, x.owed, x.paid FROM unnest(p_accounts, p_owed, p_paid) AS x(id, owed, paid)
    LOOP
        left_owed := greatest(w.owed, 0);
        left_paid := greatest(w.paid, 0);
        CONTINUE WHEN left_owed + left_paid <= 0;
        FOR c IN SELECT -p.amount AS amount, p.order_id
                 FROM postings p
                 WHERE p.account_id = w.id AND p.reported_at < p_to AND p.amount < 0
                 ORDER BY p.reported_at DESC, p.id DESC
        LOOP
            credit := c.amount;
            take_owed := least(credit, left_owed);
            left_owed := left_owed - take_owed;
            take_paid := least(credit - take_owed, left_paid);
            left_paid := left_paid - take_paid;
            order_id := c.order_id;
            owed := take_owed;
            paid := take_paid;
            RETURN NEXT;
            EXIT WHEN left_owed <= 0 AND left_paid <= 0;
        END LOOP;
    END LOOP;
END $$;
