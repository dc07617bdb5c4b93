-- The contracted market: calls for bids (opened by orders), sealed bids with every revision kept, contracts, and what
-- bidding knows of each vendor's qualifications (told by orders' supermarket). The old open-orders feed goes: a
-- vendor's feed of open work is now the calls it may see.
DROP TABLE open_orders;

CREATE TABLE vendor_qualifications (
    vendor_org_id uuid PRIMARY KEY,
    vendor_name   text        NOT NULL,
    -- [{grade, validUntil}]: approved certifications; validity is checked on the day it matters (DataGrades.HandledBy).
    certificates  jsonb       NOT NULL,
    task_types    text[]      NOT NULL,
    industries    text[]      NOT NULL,
    occurred_at   timestamptz NOT NULL
);

CREATE TABLE calls (
    id                     uuid PRIMARY KEY,
    order_id               uuid           NOT NULL,
    round                  int            NOT NULL CHECK (round >= 1),
    enterprise_org_id      uuid           NOT NULL,
    title                  text           NOT NULL,
    instructions           text           NOT NULL,
    terms                  jsonb          NOT NULL,
    -- Copied out of terms for the feed's filters and the grade rule.
    task_type              text           NOT NULL,
    industry               text           NOT NULL,
    data_grade             text           NOT NULL CHECK (data_grade IN ('general', 'important', 'core')),
    invited_vendor_org_ids uuid[]         NOT NULL DEFAULT '{}',
    auto_award             boolean        NOT NULL,
    item_count             int            NOT NULL CHECK (item_count > 0),
    budget                 numeric(20, 4) NOT NULL CHECK (budget > 0),
    currency               char(3)        NOT NULL,
    order_deadline         timestamptz    NOT NULL,
    bid_deadline           timestamptz    NOT NULL,
    status                 text           NOT NULL DEFAULT 'open'
                           CHECK (status IN ('open', 'closed', 'awarded', 'no_bids', 'withdrawn')),
    withdrawn_reason       text           NULL,
    opened_at              timestamptz    NOT NULL,
    closed_at              timestamptz    NULL,
    created_at             timestamptz    NOT NULL DEFAULT now(),
    UNIQUE (order_id, round)
);
-- The close sweep's claim: open calls by deadline.
CREATE INDEX calls_open_by_deadline ON calls (bid_deadline) WHERE status = 'open';
CREATE INDEX calls_enterprise ON calls (enterprise_org_id, created_at DESC);
CREATE INDEX calls_invited ON calls USING gin (invited_vendor_org_ids);

CREATE TABLE bids (
    id            uuid PRIMARY KEY,
    call_id       uuid           NOT NULL REFERENCES calls (id),
    vendor_org_id uuid           NOT NULL,
    price_kind    text           NOT NULL CHECK (price_kind IN ('per_item', 'total')),
    -- The amount as bid (per item or total) and the total it comes to (per item x the call's item count).
    amount        numeric(20, 4) NOT NULL CHECK (amount > 0),
    price         numeric(20, 4) NOT NULL CHECK (price > 0),
    deliver_by    timestamptz    NOT NULL,
    team_size     int            NOT NULL CHECK (team_size BETWEEN 1 AND 100000),
    proposal      text           NOT NULL CHECK (length(proposal) <= 10000),
    status        text           NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'withdrawn', 'won', 'lost', 'void')),
    revision      int            NOT NULL DEFAULT 1,
    placed_at     timestamptz    NOT NULL DEFAULT now(),
    updated_at    timestamptz    NOT NULL DEFAULT now()
);
-- One live bid per vendor per call (a withdrawn bid may be followed by a new one).
CREATE UNIQUE INDEX bids_one_live_per_vendor ON bids (call_id, vendor_org_id) WHERE status = 'live';
CREATE INDEX bids_call ON bids (call_id);
CREATE INDEX bids_vendor ON bids (vendor_org_id, placed_at DESC);

-- Every version of every bid, as placed, revised or withdrawn: the audit of a sealed tender.
CREATE TABLE bid_revisions (
    bid_id     uuid           NOT NULL REFERENCES bids (id),
    revision   int            NOT NULL,
    action     text           NOT NULL CHECK (action IN ('placed', 'revised', 'withdrawn')),
    price_kind text           NOT NULL,
    amount     numeric(20, 4) NOT NULL,
    price      numeric(20, 4) NOT NULL,
    deliver_by timestamptz    NOT NULL,
    team_size  int            NOT NULL,
    proposal   text           NOT NULL,
    by_user_id uuid           NULL,
    at         timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (bid_id, revision)
);

CREATE TABLE contracts (
    id                           uuid PRIMARY KEY,
    order_id                     uuid           NOT NULL,
    call_id                      uuid           NOT NULL UNIQUE REFERENCES calls (id),
    bid_id                       uuid           NOT NULL UNIQUE REFERENCES bids (id),
    vendor_org_id                uuid           NOT NULL,
    enterprise_org_id            uuid           NOT NULL,
    price                        numeric(20, 4) NOT NULL CHECK (price > 0),
    currency                     char(3)        NOT NULL,
    deliver_by                   timestamptz    NOT NULL,
    late_penalty_percent_per_day numeric(9, 4)  NOT NULL,
    max_penalty_percent          numeric(9, 4)  NOT NULL,
    sample_size                  int            NULL,
    sample_rate                  numeric(9, 4)  NULL,
    pass_threshold               numeric(9, 4)  NOT NULL,
    automatic                    boolean        NOT NULL,
    reason                       text           NULL,
    status                       text           NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'delivered', 'accepted')),
    -- The facts the track record is computed from (OrderDelivered, OrderReworkRequested, OrderAccepted), never typed in.
    delivered_at                 timestamptz    NULL,
    rework_requested             boolean        NOT NULL DEFAULT false,
    accepted_at                  timestamptz    NULL,
    awarded_at                   timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX contracts_vendor ON contracts (vendor_org_id, awarded_at DESC);
CREATE INDEX contracts_enterprise ON contracts (enterprise_org_id, awarded_at DESC);
CREATE INDEX contracts_order ON contracts (order_id);
