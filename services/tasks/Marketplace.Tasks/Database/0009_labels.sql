-- Aggregation: once every slot of an order is approved, each regular item's answers are combined into one label with a
-- confidence (the method and the contributing answers kept as provenance). Items below the order's confidence bar get
-- one more slot each, up to the overlap cap (dynamic overlap), and are aggregated again; only then is the work complete.
ALTER TABLE task_orders
    ADD COLUMN labels_aggregated_at timestamptz NULL,
    ADD COLUMN aggregation_rounds   int         NOT NULL DEFAULT 0 CHECK (aggregation_rounds >= 0),
    ADD COLUMN dynamic_slots        int         NOT NULL DEFAULT 0 CHECK (dynamic_slots >= 0);

CREATE TABLE item_labels (
    order_id      uuid          NOT NULL REFERENCES task_orders (order_id),
    item_id       text          NOT NULL,
    content       text          NOT NULL,
    label         jsonb         NULL,
    confidence    numeric(6, 5) NULL CHECK (confidence BETWEEN 0 AND 1),
    method        text          NOT NULL CHECK (method IN ('majority-vote', 'dawid-skene', 'multi-label', 'bradley-terry', 'box-consensus',
                                                           'span-vote', 'text-vote', 'median', 'all-answers', 'rework')),
    answer_count  int           NOT NULL CHECK (answer_count > 0),
    -- [{assignmentId, workerId, answer, workerAccuracy?}]: the approved answers the label was made from.
    provenance    jsonb         NOT NULL,
    round         int           NOT NULL CHECK (round > 0),
    aggregated_at timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, item_id),
    CONSTRAINT label_unless_all_answers CHECK ((label IS NULL) = (method = 'all-answers'))
);

-- A delivery export: written by the export-labels job into the content store, served behind a signed link.
CREATE TABLE label_exports (
    id           uuid        PRIMARY KEY,
    order_id     uuid        NOT NULL REFERENCES task_orders (order_id),
    format       text        NOT NULL CHECK (format IN ('jsonl', 'coco', 'label-studio')),
    status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    requested_by uuid        NOT NULL,
    file_name    text        NOT NULL,
    storage_key  text        NOT NULL UNIQUE,
    total_rows   bigint      NULL CHECK (total_rows >= 0),
    rows_written bigint      NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    bytes        bigint      NULL CHECK (bytes >= 0),
    error        text        NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz NULL,
    finished_at  timestamptz NULL,
    UNIQUE (order_id, file_name),
    CHECK (status <> 'ready' OR bytes IS NOT NULL)
);
CREATE INDEX label_exports_order ON label_exports (order_id, created_at DESC);
