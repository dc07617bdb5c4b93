-- The deadline acts (Jobs/OrderDeadlines.cs): an order is warned once per deadline (extending clears it), and the
-- sweep finds crowd work in progress by its deadline.
ALTER TABLE orders ADD COLUMN deadline_warned_at timestamptz NULL;

CREATE INDEX orders_in_progress_by_deadline ON orders (deadline) WHERE status = 'in_progress' AND mode = 'crowd';
