-- Acceptance sampling: on delivery the enterprise checks a random sample of items; passing accepts the order (its
-- unspent escrow is released and it closes), failing sends the items found wrong back for rework with the findings.
ALTER TABLE orders
    ADD COLUMN sample_rate                   numeric(5, 4)  NULL CHECK (sample_rate > 0 AND sample_rate <= 1),
    ADD COLUMN approved_assignments          int            NOT NULL DEFAULT 0 CHECK (approved_assignments >= 0),
    ADD COLUMN released_amount               numeric(20, 4) NOT NULL DEFAULT 0 CHECK (released_amount >= 0),
    ADD COLUMN rework_funding                text           NULL CHECK (rework_funding IN ('pending', 'funded', 'failed')),
    ADD COLUMN rework_funding_failure_reason text           NULL,
    ADD CONSTRAINT sample_size_or_rate CHECK (sample_size IS NULL OR sample_rate IS NULL);

CREATE TABLE acceptance_rounds (
    order_id       uuid          NOT NULL REFERENCES orders (id),
    round          int           NOT NULL CHECK (round > 0),
    sample_size    int           NOT NULL CHECK (sample_size > 0),
    pass_threshold numeric(5, 4) NOT NULL,
    status         text          NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'passed', 'failed')),
    passed_items   int           NULL CHECK (passed_items BETWEEN 0 AND sample_size),
    decided_by     uuid          NULL,
    decided_at     timestamptz   NULL,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, round),
    CHECK ((status = 'open') = (decided_at IS NULL))
);
-- At most one round waits for a verdict.
CREATE UNIQUE INDEX acceptance_rounds_one_open ON acceptance_rounds (order_id) WHERE status = 'open';

CREATE TABLE acceptance_samples (
    order_id uuid    NOT NULL,
    round    int     NOT NULL,
    item_id  text    NOT NULL,
    ok       boolean NULL,
    finding  text    NULL CHECK (length(finding) <= 2000),
    PRIMARY KEY (order_id, round, item_id),
    FOREIGN KEY (order_id, round) REFERENCES acceptance_rounds (order_id, round),
    CHECK (ok IS NOT FALSE OR finding IS NOT NULL)
);
