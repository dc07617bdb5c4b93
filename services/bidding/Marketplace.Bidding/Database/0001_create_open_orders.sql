-- Published orders as vendors see them in the marketplace feed.
CREATE TABLE open_orders (
    order_id          uuid PRIMARY KEY,
    enterprise_org_id uuid           NOT NULL,
    title             text           NOT NULL,
    mode              text           NOT NULL,
    task_type         text           NOT NULL,
    budget            numeric(20, 4) NOT NULL,
    currency          char(3)        NOT NULL,
    deadline          timestamptz    NOT NULL,
    published_at      timestamptz    NOT NULL
);
CREATE INDEX open_orders_published ON open_orders (published_at DESC);
