-- Every reconciliation run, and the mismatches it found. An alert stays open while runs keep finding it and is resolved
-- by the first completed run that does not.
CREATE TABLE reconciliation_runs (
    id          uuid PRIMARY KEY,
    trigger     text        NOT NULL CHECK (trigger IN ('schedule', 'operator')),
    watermark   timestamptz NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz NULL,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'green', 'red', 'failed')),
    mismatches  int         NOT NULL DEFAULT 0,
    summary     jsonb       NULL,
    error       text        NULL
);
CREATE INDEX reconciliation_runs_started ON reconciliation_runs (started_at DESC);

CREATE TABLE reconciliation_alerts (
    id            uuid PRIMARY KEY,
    check_name    text        NOT NULL,
    entity_kind   text        NOT NULL,
    entity_id     text        NOT NULL,
    order_id      uuid        NULL,
    detail        text        NOT NULL,
    first_run_id  uuid        NOT NULL REFERENCES reconciliation_runs (id),
    last_run_id   uuid        NOT NULL REFERENCES reconciliation_runs (id),
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz NULL
);
CREATE UNIQUE INDEX reconciliation_alerts_open ON reconciliation_alerts (check_name, entity_id) WHERE resolved_at IS NULL;

-- Reconciliation reads the ledger by business time (occurred_at) per account and order.
CREATE INDEX ledger_transactions_kind_occurred ON ledger_transactions (kind, occurred_at);
