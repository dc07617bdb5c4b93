-- Gold slots (indistinguishable to workers) measure each worker's accuracy per order; below the order's required
-- accuracy a worker is suspended from that order for a while, with the reason shown to them.
ALTER TABLE task_orders ADD COLUMN gold_slots int NOT NULL DEFAULT 0 CHECK (gold_slots >= 0);
ALTER TABLE assignments
    ADD COLUMN is_gold     boolean NOT NULL DEFAULT false,
    ADD COLUMN gold_answer jsonb   NULL,
    ADD COLUMN gold_correct boolean NULL,
    ADD COLUMN too_fast    boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT gold_has_answer CHECK (NOT is_gold OR gold_answer IS NOT NULL);

CREATE TABLE worker_order_quality (
    worker_id         uuid        NOT NULL,
    order_id          uuid        NOT NULL REFERENCES task_orders (order_id),
    gold_answered     int         NOT NULL DEFAULT 0 CHECK (gold_answered >= 0),
    gold_correct      int         NOT NULL DEFAULT 0 CHECK (gold_correct BETWEEN 0 AND gold_answered),
    too_fast          int         NOT NULL DEFAULT 0 CHECK (too_fast >= 0),
    suspended_until   timestamptz NULL,
    suspension_reason text        NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, order_id)
);
