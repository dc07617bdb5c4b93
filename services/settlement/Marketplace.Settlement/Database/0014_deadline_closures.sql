-- A crowd order whose deadline passed with its work unfinished closes its escrow like a cancellation (a refund).
ALTER TABLE order_closures DROP CONSTRAINT order_closures_reason_check;
ALTER TABLE order_closures ADD CONSTRAINT order_closures_reason_check CHECK (reason IN ('cancelled', 'accepted', 'deadline'));
