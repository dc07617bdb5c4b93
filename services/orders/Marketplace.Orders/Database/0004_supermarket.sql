-- The supermarket: vendors list what they offer; certifications (approved by an operator) say which data grades a
-- vendor may handle. A vendor's delivery record is computed from the orders it was awarded, never typed in.
CREATE TABLE vendor_listings (
    id               uuid PRIMARY KEY,
    vendor_org_id    uuid           NOT NULL,
    vendor_name      text           NOT NULL,
    title            text           NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description      text           NOT NULL DEFAULT '',
    task_types       text[]         NOT NULL CHECK (cardinality(task_types) BETWEEN 1 AND 9),
    industries       text[]         NOT NULL DEFAULT '{}',
    languages        text[]         NOT NULL DEFAULT '{}',
    capacity_per_day int            NOT NULL CHECK (capacity_per_day > 0),
    price_min        numeric(20, 4) NOT NULL CHECK (price_min > 0),
    price_max        numeric(20, 4) NOT NULL,
    currency         char(3)        NOT NULL DEFAULT 'CNY',
    created_at       timestamptz    NOT NULL DEFAULT now(),
    updated_at       timestamptz    NOT NULL DEFAULT now(),
    CHECK (price_max >= price_min)
);
CREATE INDEX vendor_listings_vendor ON vendor_listings (vendor_org_id);
CREATE INDEX vendor_listings_task_types ON vendor_listings USING gin (task_types);
CREATE INDEX vendor_listings_industries ON vendor_listings USING gin (industries);

CREATE TABLE vendor_certifications (
    id            uuid PRIMARY KEY,
    vendor_org_id uuid        NOT NULL,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    issuer        text        NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
    grade         text        NOT NULL CHECK (grade IN ('general', 'important', 'core')),
    valid_until   date        NOT NULL,
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    review_note   text        NULL,
    reviewed_by   uuid        NULL,
    reviewed_at   timestamptz NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vendor_certifications_vendor ON vendor_certifications (vendor_org_id, status);

-- Set when a call for bids is awarded (bidding, a later issue); the delivery record counts from it.
ALTER TABLE orders ADD COLUMN awarded_vendor_org_id uuid NULL;
