CREATE TABLE orders (
    id                     uuid PRIMARY KEY,
    enterprise_org_id      uuid           NOT NULL,
    created_by             uuid           NOT NULL,
    title                  text           NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    instructions           text           NOT NULL DEFAULT '',
    task_type              text           NOT NULL CHECK (task_type IN ('text-classification', 'image-classification')),
    mode                   text           NOT NULL DEFAULT 'crowd' CHECK (mode IN ('crowd', 'bid')),
    labels                 text[]         NOT NULL CHECK (cardinality(labels) BETWEEN 2 AND 50),
    overlap                int            NOT NULL DEFAULT 1 CHECK (overlap BETWEEN 1 AND 9),
    unit_price             numeric(20, 4) NOT NULL CHECK (unit_price > 0),
    worker_reward          numeric(20, 4) NOT NULL CHECK (worker_reward >= 0),
    platform_fee           numeric(20, 4) NOT NULL CHECK (platform_fee >= 0),
    currency               char(3)        NOT NULL,
    item_count             int            NOT NULL CHECK (item_count > 0),
    budget                 numeric(20, 4) NOT NULL CHECK (budget > 0),
    deadline               timestamptz    NOT NULL,
    status                 text           NOT NULL CHECK (status IN ('draft', 'published', 'funding_failed', 'in_progress', 'delivered')),
    funding_failure_reason text           NULL,
    created_at             timestamptz    NOT NULL DEFAULT now(),
    updated_at             timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT price_splits_exactly CHECK (worker_reward + platform_fee = unit_price),
    CONSTRAINT budget_covers_items CHECK (budget = unit_price * item_count * overlap)
);
CREATE INDEX orders_enterprise ON orders (enterprise_org_id, created_at DESC);
CREATE INDEX orders_status ON orders (status);

CREATE TABLE order_items (
    order_id uuid NOT NULL REFERENCES orders (id),
    item_id  text NOT NULL CHECK (length(item_id) BETWEEN 1 AND 200),
    position int  NOT NULL,
    content  text NOT NULL,
    PRIMARY KEY (order_id, item_id)
);

-- Every transition, for the order's history.
CREATE TABLE order_transitions (
    id          bigserial PRIMARY KEY,
    order_id    uuid        NOT NULL REFERENCES orders (id),
    from_status text        NULL,
    to_status   text        NOT NULL,
    reason      text        NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_transitions_order ON order_transitions (order_id);
