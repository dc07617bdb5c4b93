-- A contracted order's work plan: the vendor holding the contract (tier 1) splits the order's items into packages for its
-- team, the crowd, or another vendor (a sub-contract); a sub-vendor splits its sub-contract's items the same way (tier 2...).
-- vendor_org_id is the vendor whose tier the package belongs to: it made the package, pays for it and reviews its work.
CREATE TABLE work_packages (
    id                uuid PRIMARY KEY,
    order_id          uuid           NOT NULL REFERENCES orders (id),
    -- The accepted sub-contract whose items this package splits; null on the contract holder's own tier.
    parent_id         uuid           NULL REFERENCES work_packages (id),
    vendor_org_id     uuid           NOT NULL,
    kind              text           NOT NULL CHECK (kind IN ('team', 'crowd', 'subcontract')),
    item_count        int            NOT NULL CHECK (item_count > 0),
    -- team and crowd: what one approved answer pays, and the most answers an item may take (the order's overlap cap).
    reward_per_answer numeric(20, 4) NULL CHECK (reward_per_answer >= 0),
    max_answers       int            NULL CHECK (max_answers > 0),
    -- subcontract: the vendor it goes to and the agreed total price.
    to_vendor_org_id  uuid           NULL,
    price             numeric(20, 4) NULL CHECK (price > 0),
    currency          char(3)        NOT NULL,
    -- team/crowd: working -> done; subcontract: offered -> accepted -> done, or offered -> declined (its items are free again).
    status            text           NOT NULL CHECK (status IN ('working', 'offered', 'accepted', 'declined', 'done')),
    decline_reason    text           NULL CHECK (length(decline_reason) <= 2000),
    created_at        timestamptz    NOT NULL DEFAULT now(),
    decided_at        timestamptz    NULL,
    completed_at      timestamptz    NULL,
    approved_assignments int         NULL CHECK (approved_assignments >= 0),
    -- team/crowd: when StartWorkPackage went to tasks (the prepare-package-work job, under the order's row lock).
    handed_over_at    timestamptz    NULL,
    CHECK ((kind = 'subcontract') = (to_vendor_org_id IS NOT NULL AND price IS NOT NULL)),
    CHECK (kind = 'subcontract' OR (reward_per_answer IS NOT NULL AND max_answers IS NOT NULL)),
    CHECK (kind = 'subcontract' OR status IN ('working', 'done')),
    CHECK (kind <> 'subcontract' OR status <> 'working'),
    CHECK (to_vendor_org_id IS DISTINCT FROM vendor_org_id)
);
CREATE INDEX work_packages_order ON work_packages (order_id, parent_id);
CREATE INDEX work_packages_offers ON work_packages (to_vendor_org_id, created_at DESC) WHERE kind = 'subcontract';
-- One live sub-contract per vendor and order, so a vendor's tier on an order is one thing.
CREATE UNIQUE INDEX work_packages_one_subcontract ON work_packages (order_id, to_vendor_org_id)
    WHERE kind = 'subcontract' AND status <> 'declined';

-- Which items a package holds. scope_id is what the items were split from: the order (tier 1) or the parent
-- sub-contract; an item belongs to at most one live package of a scope.
CREATE TABLE work_package_items (
    package_id uuid NOT NULL REFERENCES work_packages (id),
    scope_id   uuid NOT NULL,
    order_id   uuid NOT NULL,
    item_id    text NOT NULL,
    PRIMARY KEY (package_id, item_id),
    UNIQUE (scope_id, item_id),
    FOREIGN KEY (order_id, item_id) REFERENCES order_items (order_id, item_id)
);
