-- Suites: a worker takes up to suite_size of an order's assignments under one lease of lease_seconds (NULL: the
-- service's default). A lapsed lease is returned to the pool by the lease-sweep job; the slot remembers its last
-- worker, so that worker is told the lease expired rather than that the assignment does not exist.
ALTER TABLE task_orders
    ADD COLUMN suite_size    int NOT NULL DEFAULT 1 CHECK (suite_size BETWEEN 1 AND 50),
    ADD COLUMN lease_seconds int NULL CHECK (lease_seconds BETWEEN 5 AND 86400);
ALTER TABLE assignments
    ADD COLUMN leased_at    timestamptz NULL,
    ADD COLUMN lapsed_count int         NOT NULL DEFAULT 0;
-- Claiming within one order walks this index in creation order; claiming across orders uses assignments_claimable.
CREATE INDEX assignments_claimable_by_order ON assignments (order_id, created_at, id) WHERE status = 'open';
