-- External model backends (issue 15 item 4): an order's model server in Label Studio's ML backend shapes. One per order
-- (order_models says it is the order's model); its secret is sealed with Tasks:ModelBackends:SecretKey (AES-256-GCM,
-- bound to the order) and never returned. The prediction and training rounds (Models/Backends/ModelBackendRounds.cs)
-- call it when next_call_at is due; failures push next_call_at back and, after several in a row, open the circuit.
CREATE TABLE model_backends (
    order_id              uuid        PRIMARY KEY REFERENCES task_orders (order_id),
    url                   text        NOT NULL CHECK (length(url) BETWEEN 8 AND 500),
    secret_sealed         bytea       NOT NULL,
    model_version         text        NULL CHECK (length(model_version) BETWEEN 1 AND 100),
    state                 text        NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'failing', 'circuit_open')),
    registered_by         uuid        NOT NULL,
    registered_at         timestamptz NOT NULL DEFAULT now(),
    next_call_at          timestamptz NOT NULL DEFAULT now(),
    consecutive_failures  int         NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    failures              bigint      NOT NULL DEFAULT 0 CHECK (failures >= 0),
    predictions_saved     bigint      NOT NULL DEFAULT 0 CHECK (predictions_saved >= 0),
    predictions_refused   bigint      NOT NULL DEFAULT 0 CHECK (predictions_refused >= 0),
    labels_sent           bigint      NOT NULL DEFAULT 0 CHECK (labels_sent >= 0),
    last_call_at          timestamptz NULL,
    last_call             text        NULL,
    last_success_at       timestamptz NULL
);
CREATE INDEX model_backends_due ON model_backends (next_call_at);

-- The backend's recent failures, newest first on the order page (kept bounded: the rounds delete all but the last 50).
CREATE TABLE model_backend_failures (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid        NOT NULL REFERENCES model_backends (order_id) ON DELETE CASCADE,
    call        text        NOT NULL CHECK (call IN ('health', 'setup', 'predict', 'webhook', 'push')),
    error       text        NOT NULL CHECK (length(error) BETWEEN 1 AND 500),
    failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_backend_failures_order ON model_backend_failures (order_id, id DESC);

-- Items the backend has answered since it was registered, well or not: an item is asked once per registration, so a
-- prediction the order cannot use (a label it does not have, a wrong shape) is not asked for again and again.
CREATE TABLE model_backend_items (
    order_id    uuid        NOT NULL REFERENCES model_backends (order_id) ON DELETE CASCADE,
    item_id     text        NOT NULL,
    refused     text        NULL CHECK (length(refused) BETWEEN 1 AND 300),
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, item_id)
);

-- Accepted labels sent to the backend's /webhook as ANNOTATION_CREATED: each once, remembered across registrations of
-- the same order only while the backend row lives (a new registration may be a new model that has seen nothing).
CREATE TABLE model_backend_trained (
    order_id    uuid        NOT NULL REFERENCES model_backends (order_id) ON DELETE CASCADE,
    item_id     text        NOT NULL,
    source      text        NOT NULL CHECK (source IN ('gold', 'aggregated')),
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, item_id)
);
