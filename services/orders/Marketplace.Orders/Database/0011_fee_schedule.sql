-- The platform's commission per task type, set by an operator: a percent of the unit price, with a minimum per order.
-- A task type without a row pays the default (Orders:PlatformFeePercent, no minimum).
CREATE TABLE fee_schedules (
    task_type         text PRIMARY KEY,
    percent           numeric(7, 4)  NOT NULL CHECK (percent BETWEEN 0 AND 100),
    minimum_per_order numeric(20, 4) NOT NULL CHECK (minimum_per_order >= 0),
    updated_by        uuid           NOT NULL,
    updated_at        timestamptz    NOT NULL DEFAULT now()
);

-- An order snapshots its terms at creation. Its budget covers the work at the unit price plus what the minimum fee may
-- still need at acceptance: the minimum less the percent fee of the fewest slots the order can end with.
ALTER TABLE orders
    ADD COLUMN fee_percent         numeric(7, 4)  NOT NULL DEFAULT 10 CHECK (fee_percent BETWEEN 0 AND 100),
    ADD COLUMN minimum_fee         numeric(20, 4) NOT NULL DEFAULT 0 CHECK (minimum_fee >= 0),
    ADD COLUMN minimum_fee_reserve numeric(20, 4) NOT NULL DEFAULT 0 CHECK (minimum_fee_reserve >= 0);
ALTER TABLE orders DROP CONSTRAINT budget_covers_items;
ALTER TABLE orders ADD CONSTRAINT budget_covers_items
    CHECK (budget = unit_price * (item_count * coalesce(overlap_cap, overlap) + gold_slots) + minimum_fee_reserve);
ALTER TABLE orders ADD CONSTRAINT minimum_fee_reserve_sized
    CHECK (minimum_fee_reserve = greatest(0, minimum_fee - platform_fee * (item_count * overlap + gold_slots)));
