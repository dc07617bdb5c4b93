-- The order's time to review a submission before it is approved automatically (null: Tasks:AutoApproveAfter).
ALTER TABLE task_orders ADD COLUMN auto_approve_seconds int NULL;
