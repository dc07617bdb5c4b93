-- Orders can be drafted before their dataset is uploaded; publishing needs at least one item.
ALTER TABLE orders DROP CONSTRAINT orders_item_count_check;
ALTER TABLE orders ADD CONSTRAINT orders_item_count_check CHECK (item_count >= 0);
ALTER TABLE orders DROP CONSTRAINT orders_budget_check;
ALTER TABLE orders ADD CONSTRAINT orders_budget_check CHECK (budget >= 0);
ALTER TABLE orders ADD COLUMN dataset_bytes bigint NOT NULL DEFAULT 0 CHECK (dataset_bytes >= 0);

ALTER TABLE order_items
    ADD COLUMN metadata    jsonb NULL,
    ADD COLUMN predictions jsonb NULL;

-- A resumable upload of an order's manifest: chunks append at the received offset; completing it validates every row
-- (a durable job, with progress) and imports them all, or rejects the whole file with the first bad rows.
CREATE TABLE dataset_uploads (
    id             uuid PRIMARY KEY,
    order_id       uuid        NOT NULL REFERENCES orders (id),
    format         text        NOT NULL CHECK (format IN ('jsonl', 'csv')),
    status         text        NOT NULL DEFAULT 'receiving' CHECK (status IN ('receiving', 'validating', 'importing', 'rejected', 'imported')),
    received_bytes bigint      NOT NULL DEFAULT 0 CHECK (received_bytes >= 0),
    expected_bytes bigint      NULL CHECK (expected_bytes > 0),
    rows_checked   bigint      NOT NULL DEFAULT 0,
    rows_imported  bigint      NOT NULL DEFAULT 0,
    errors         jsonb       NOT NULL DEFAULT '[]',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz NULL
);
CREATE INDEX dataset_uploads_order ON dataset_uploads (order_id);
