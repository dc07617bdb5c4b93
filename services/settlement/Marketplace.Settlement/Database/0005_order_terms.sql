-- What settlement knows of an order from its publication: who owns it and the fee terms it stated.
CREATE TABLE order_terms (
    order_id          uuid PRIMARY KEY,
    enterprise_org_id uuid           NOT NULL,
    fee_percent       numeric(7, 4)  NOT NULL CHECK (fee_percent BETWEEN 0 AND 100),
    minimum_fee       numeric(20, 4) NOT NULL CHECK (minimum_fee >= 0),
    currency          char(3)        NOT NULL,
    published_at      timestamptz    NOT NULL
);
CREATE INDEX order_terms_enterprise ON order_terms (enterprise_org_id);
