-- Dynamic overlap: an item whose aggregated label is less certain than confidence_bar gets more answers, up to overlap_cap.
ALTER TABLE orders
    ADD COLUMN confidence_bar numeric(5, 4) NULL CHECK (confidence_bar BETWEEN 0.5 AND 1),
    ADD COLUMN overlap_cap    int           NULL CHECK (overlap_cap BETWEEN 1 AND 15),
    ADD CONSTRAINT overlap_cap_covers_overlap CHECK (overlap_cap IS NULL OR overlap_cap >= overlap);
-- Escrow holds the most the order can cost: every item answered up to the cap; acceptance releases what was not used.
ALTER TABLE orders DROP CONSTRAINT budget_covers_items;
ALTER TABLE orders ADD CONSTRAINT budget_covers_items CHECK (budget = unit_price * item_count * coalesce(overlap_cap, overlap));
