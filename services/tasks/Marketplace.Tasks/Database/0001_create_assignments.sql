-- An order's work as the crowd engine sees it (from OrderReadyForWork).
CREATE TABLE task_orders (
    order_id             uuid PRIMARY KEY,
    enterprise_org_id    uuid           NOT NULL,
    task_type            text           NOT NULL,
    labels               text[]         NOT NULL,
    worker_reward        numeric(20, 4) NOT NULL CHECK (worker_reward >= 0),
    platform_fee         numeric(20, 4) NOT NULL CHECK (platform_fee >= 0),
    currency             char(3)        NOT NULL,
    deadline             timestamptz    NOT NULL,
    total_assignments    int            NOT NULL CHECK (total_assignments > 0),
    approved_assignments int            NOT NULL DEFAULT 0,
    completed_at         timestamptz    NULL,
    created_at           timestamptz    NOT NULL DEFAULT now(),
    CHECK (approved_assignments BETWEEN 0 AND total_assignments)
);
CREATE INDEX task_orders_enterprise ON task_orders (enterprise_org_id);
CREATE INDEX task_orders_open ON task_orders (order_id) WHERE completed_at IS NULL;

-- One slot per item and overlap: a slot is open, leased to one worker, submitted, or approved.
CREATE TABLE assignments (
    id                uuid PRIMARY KEY,
    order_id          uuid        NOT NULL REFERENCES task_orders (order_id),
    item_id           text        NOT NULL,
    slot              int         NOT NULL CHECK (slot >= 0),
    content           text        NOT NULL,
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'leased', 'submitted', 'approved')),
    worker_id         uuid        NULL,
    lease_expires_at  timestamptz NULL,
    answer            text        NULL,
    submitted_at      timestamptz NULL,
    approved_at       timestamptz NULL,
    auto_approved     boolean     NOT NULL DEFAULT false,
    approval_batch_id uuid        NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, item_id, slot),
    CHECK (status = 'open' OR worker_id IS NOT NULL),
    CHECK (status <> 'leased' OR lease_expires_at IS NOT NULL)
);
CREATE INDEX assignments_claimable ON assignments (created_at) WHERE status = 'open';
CREATE INDEX assignments_lapsed ON assignments (lease_expires_at) WHERE status = 'leased';
CREATE INDEX assignments_worker ON assignments (worker_id, status);
CREATE INDEX assignments_order ON assignments (order_id);
CREATE INDEX assignments_unbatched_approvals ON assignments (approved_at) WHERE status = 'approved' AND approval_batch_id IS NULL;

-- Items a worker has been handed: a worker never labels the same item twice.
CREATE TABLE worker_items (
    worker_id uuid NOT NULL,
    order_id  uuid NOT NULL,
    item_id   text NOT NULL,
    PRIMARY KEY (worker_id, order_id, item_id)
);
