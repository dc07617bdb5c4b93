ALTER TABLE orders
    ADD COLUMN cancelled_at    timestamptz    NULL,
    ADD COLUMN refunded_amount numeric(20, 4) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0);
