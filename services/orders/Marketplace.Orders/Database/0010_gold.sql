-- Gold items: items whose answer the enterprise knows. They are not delivered; their slots are mixed into the work at
-- the gold share and paid like any other, so the budget covers them.
ALTER TABLE order_items ADD COLUMN gold jsonb NULL;
ALTER TABLE orders
    ADD COLUMN gold_item_count int NOT NULL DEFAULT 0 CHECK (gold_item_count >= 0),
    ADD COLUMN gold_slots      int NOT NULL DEFAULT 0 CHECK (gold_slots >= 0);
ALTER TABLE orders DROP CONSTRAINT budget_covers_items;
ALTER TABLE orders ADD CONSTRAINT budget_covers_items
    CHECK (budget = unit_price * (item_count * coalesce(overlap_cap, overlap) + gold_slots));
