-- Why an order's work was closed for good (cancelled_at): the enterprise cancelled it, or its deadline passed first.
ALTER TABLE task_orders ADD COLUMN closed_reason text NULL CHECK (closed_reason IN ('cancelled', 'deadline'));
UPDATE task_orders SET closed_reason = 'cancelled' WHERE cancelled_at IS NOT NULL;
