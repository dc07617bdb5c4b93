-- Model assistance (issue 15 items 2-4): the newest prediction a model made for each item of an order, whichever model
-- made it (the built-in model, an external backend). Written only through Models/ModelPredictions.cs, which also puts it
-- on the item's open slots as their pre-label. A manifest's own predictions stay on the slots (assignments.prelabel) and
-- are not copied here.
CREATE TABLE item_predictions (
    order_id       uuid          NOT NULL,
    item_id        text          NOT NULL,
    source         text          NOT NULL CHECK (source IN ('builtin', 'backend')),
    model_version  text          NOT NULL CHECK (length(model_version) BETWEEN 1 AND 100),
    label          jsonb         NOT NULL,
    score          numeric(6, 5) NULL CHECK (score BETWEEN 0 AND 1),
    predicted_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, item_id)
);

-- A gold slot whose pre-label was planted on purpose (a deliberately wrong suggestion that catches workers who copy
-- pre-labels, issue 15 item 3): no model prediction ever replaces it.
ALTER TABLE assignments ADD COLUMN prelabel_planted boolean NOT NULL DEFAULT false;

-- Which model assists an order: no row, none; 'builtin', the platform's own model trained on the order's accepted
-- labels; 'backend', the order's external model endpoint (its address and secret are kept beside it). One model per
-- order: choosing one replaces the other.
CREATE TABLE order_models (
    order_id    uuid        PRIMARY KEY REFERENCES task_orders (order_id),
    source      text        NOT NULL CHECK (source IN ('builtin', 'backend')),
    changed_by  uuid        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
