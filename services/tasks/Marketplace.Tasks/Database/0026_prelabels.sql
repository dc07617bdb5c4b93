-- Model pre-labels reach the worker (issue 15 item 1): each slot carries its item's pre-label from the work file,
-- {"label", "modelVersion", "score"}, shown to the worker who claims it.
ALTER TABLE assignments ADD COLUMN prelabel jsonb NULL
    CONSTRAINT prelabel_shape CHECK (prelabel IS NULL OR (jsonb_typeof(prelabel) = 'object' AND prelabel ? 'label'));

-- A work package's task order is keyed by the package and names the vendor where a crowd order names the enterprise:
-- the organisation that owns the package's order, so it may read the order's figures kept across its packages.
ALTER TABLE task_orders ADD COLUMN order_enterprise_org_id uuid NULL;

-- How each submitted answer differs from its slot's pre-label, measured at submit (Marketplace.Labeling.Prelabels.
-- PrelabelChange): order_id is the enterprise's order (a package's order for package work), so one order's figures
-- are one index range whatever its packages.
CREATE TABLE prelabel_answers (
    assignment_id  uuid PRIMARY KEY REFERENCES assignments (id),
    order_id       uuid        NOT NULL,
    task_type      text        NOT NULL,
    model_version  text        NULL CHECK (length(model_version) BETWEEN 1 AND 100),
    is_gold        boolean     NOT NULL,
    unchanged      boolean     NOT NULL,
    flipped        boolean     NULL,
    jaccard        numeric(5, 4) NULL CHECK (jaccard BETWEEN 0 AND 1),
    mean_iou       numeric(5, 4) NULL CHECK (mean_iou BETWEEN 0 AND 1),
    boxes_added    int         NULL CHECK (boxes_added >= 0),
    boxes_removed  int         NULL CHECK (boxes_removed >= 0),
    span_f1        numeric(5, 4) NULL CHECK (span_f1 BETWEEN 0 AND 1),
    edit_distance  numeric(5, 4) NULL CHECK (edit_distance BETWEEN 0 AND 1),
    submitted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prelabel_answers_order ON prelabel_answers (order_id, model_version);
