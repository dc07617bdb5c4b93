-- A crowd order whose deadline passed with its work unfinished closes its escrow like a cancellation (a refund).
-- Every reason is listed ('dispute' from 0013 included).
ALTER TABLE order_closures DROP CONSTRAINT order_closures_reason_check;
ALTER TABLE order_closures ADD CONSTRAINT order_closures_reason_check CHECK (reason IN ('cancelled', 'accepted', 'dispute', 'deadline'));
