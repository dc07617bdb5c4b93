-- The deadline acts (Jobs/OrderDeadlines.cs): an order is warned once per deadline (extending clears it), and the
-- sweep finds crowd work in progress by its deadline.
ALTER TABLE orders ADD COLUMN deadline_warned_at timestamptz NULL;

CREATE INDEX orders_in_progress_by_deadline ON orders (deadline) WHERE status = 'in_progress' AND mode = 'crowd';

-- expired: a crowd order whose deadline passed before its work was done (OrderProcess.cs). The list names every state
-- of the process, 'disputed' included (the contracted market's disputes), so migrations applied in any order agree.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
    'draft', 'published', 'funding_failed', 'tendering', 'no_bids', 'evaluating', 'awarded', 'in_progress', 'delivered',
    'rework', 'disputed', 'accepted', 'closed', 'cancelled', 'expired'));
