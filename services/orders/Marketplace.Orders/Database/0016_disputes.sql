-- Disputes over a contracted order's acceptance (OrderProcess: rework → disputed → closed). One per order: the decision
-- closes the order. The evidence is bounded text; files would go through the content store like a dataset's.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
    'draft', 'published', 'funding_failed', 'tendering', 'no_bids', 'evaluating', 'awarded', 'in_progress', 'delivered',
    'rework', 'accepted', 'closed', 'cancelled', 'expired', 'disputed'));

CREATE TABLE disputes (
    id                uuid PRIMARY KEY,
    order_id          uuid           NOT NULL UNIQUE REFERENCES orders (id),
    contract_id       uuid           NOT NULL,
    enterprise_org_id uuid           NOT NULL,
    vendor_org_id     uuid           NOT NULL,
    opened_by         text           NOT NULL CHECK (opened_by IN ('enterprise', 'vendor')),
    opened_by_user    uuid           NOT NULL,
    evidence          text           NOT NULL CHECK (length(evidence) BETWEEN 1 AND 4000),
    status            text           NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
    outcome           text           NULL CHECK (outcome IN ('release', 'partial', 'refund')),
    vendor_amount     numeric(20, 4) NULL CHECK (vendor_amount > 0),
    note              text           NULL CHECK (length(note) <= 2000),
    decided_by        uuid           NULL,
    decided_at        timestamptz    NULL,
    opened_at         timestamptz    NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (outcome IS NULL)),
    CHECK ((outcome = 'partial') = (vendor_amount IS NOT NULL))
);
CREATE INDEX disputes_open ON disputes (status, opened_at);
CREATE INDEX disputes_enterprise ON disputes (enterprise_org_id, opened_at DESC);
CREATE INDEX disputes_vendor ON disputes (vendor_org_id, opened_at DESC);
