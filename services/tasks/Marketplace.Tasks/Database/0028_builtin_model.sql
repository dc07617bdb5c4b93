-- The built-in model (issue 15 item 2): per order that chose it (order_models.source = 'builtin'), where its training
-- stands, each trained version with its measures and the model itself, and each image's ResNet-18 features (computed
-- once, so retraining never runs the image network again).
CREATE TABLE builtin_models (
    order_id          uuid        PRIMARY KEY REFERENCES task_orders (order_id),
    state             text        NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'training', 'ready', 'failed')),
    reason            text        NULL CHECK (length(reason) <= 1000),
    -- Training examples (accepted labels and gold) at the last look, and at the last training: the next training waits
    -- until there are enough more.
    examples          int         NOT NULL DEFAULT 0 CHECK (examples >= 0),
    examples_trained  int         NOT NULL DEFAULT 0 CHECK (examples_trained >= 0),
    current_version   int         NULL,
    attempted_at      timestamptz NULL,
    changed_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
    order_id           uuid          NOT NULL REFERENCES task_orders (order_id),
    version            int           NOT NULL CHECK (version > 0),
    model_version      text          NOT NULL CHECK (model_version ~ '^builtin-(text|image)-v[0-9]+$'),
    kind               text          NOT NULL CHECK (kind IN ('text', 'image')),
    training_examples  int           NOT NULL CHECK (training_examples > 0),
    held_out_examples  int           NOT NULL CHECK (held_out_examples > 0),
    held_out_accuracy  numeric(6, 5) NOT NULL CHECK (held_out_accuracy BETWEEN 0 AND 1),
    calibration_error  numeric(6, 5) NOT NULL CHECK (calibration_error BETWEEN 0 AND 1),
    -- Whether this version's predictions went out: a version less accurate on held-out labels than the current one is
    -- kept for the record but predicts nothing.
    adopted            boolean       NOT NULL,
    items_predicted    int           NOT NULL DEFAULT 0 CHECK (items_predicted >= 0),
    training_seconds   numeric(10, 3) NOT NULL CHECK (training_seconds >= 0),
    -- ML.NET's model file with the labels and the calibration map (Marketplace.Modeling.Classifier.Save), a few MB at most.
    model              bytea         NOT NULL,
    trained_at         timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, version)
);

CREATE TABLE item_image_features (
    order_id  uuid     NOT NULL REFERENCES task_orders (order_id),
    item_id   text     NOT NULL,
    -- 512 floats from ResNet-18; null when the image could not be fetched or read (failure says why).
    features  real[]   NULL CHECK (cardinality(features) = 512),
    failure   text     NULL CHECK (length(failure) <= 500),
    PRIMARY KEY (order_id, item_id),
    CHECK ((features IS NULL) <> (failure IS NULL))
);
