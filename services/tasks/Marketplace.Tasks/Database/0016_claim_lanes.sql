-- Claim lanes. Every claimer walked one queue per order from the same head, and skipped every slot the other claimers in
-- flight had locked: 64 workers claiming suites of 10 kept 640 slots locked at the head, and each claim read about 3,700
-- buffers to get past them (bench/tasks.sh). An order's slots are now in 8 lanes by their item (all slots of an item in
-- one lane, so a suite still gets distinct items), and concurrent claims start in different lanes.
ALTER TABLE assignments ADD COLUMN lane smallint GENERATED ALWAYS AS ((hashtext(item_id) & 7)::smallint) STORED;
CREATE INDEX assignments_claimable_by_lane ON assignments (order_id, lane, created_at, id) WHERE status = 'open';
DROP INDEX assignments_claimable_by_order;
