-- The order's terms as the order process sent them (OrderReadyForWork.Terms), whole: a term tasks acts on is read from
-- here (terms->>'maxItemsPerWorker'), so a new term needs no column. NULL for orders split before the record existed.
ALTER TABLE task_orders ADD COLUMN terms jsonb NULL;
