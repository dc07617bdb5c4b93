-- A vendor's work package of a contracted order is split like a crowd order: its task_orders row is keyed by the
-- package's id (order_id), package_order_id names the order it is part of, payer_vendor_org_id the vendor that pays
-- each approved answer (and reviews them: enterprise_org_id holds the same vendor, the organisation that reviews),
-- and audience says who may claim it: the crowd, or only the members of that vendor's team.
ALTER TABLE task_orders
    ADD COLUMN package_order_id    uuid NULL,
    ADD COLUMN payer_vendor_org_id uuid NULL,
    ADD COLUMN audience            text NOT NULL DEFAULT 'crowd' CHECK (audience IN ('crowd', 'team')),
    ADD CONSTRAINT package_has_a_payer CHECK ((package_order_id IS NULL) = (payer_vendor_org_id IS NULL)),
    ADD CONSTRAINT team_work_is_a_package CHECK (audience = 'crowd' OR package_order_id IS NOT NULL),
    -- Core-grade data never reaches the crowd, whoever publishes it.
    ADD CONSTRAINT core_data_only_to_a_team CHECK (data_grade <> 'core' OR audience = 'team' OR package_order_id IS NULL);
CREATE INDEX task_orders_package_order ON task_orders (package_order_id) WHERE package_order_id IS NOT NULL;

-- A vendor's team: workers of the platform who accepted its invitation.
CREATE TABLE team_invitations (
    id            uuid PRIMARY KEY,
    vendor_org_id uuid        NOT NULL,
    worker_id     uuid        NOT NULL,
    message       text        NULL CHECK (length(message) <= 2000),
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    decided_at    timestamptz NULL,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX team_invitations_one_pending ON team_invitations (vendor_org_id, worker_id) WHERE status = 'pending';
CREATE INDEX team_invitations_worker ON team_invitations (worker_id, created_at DESC);
CREATE INDEX team_invitations_vendor ON team_invitations (vendor_org_id, created_at DESC);

CREATE TABLE team_members (
    vendor_org_id uuid        NOT NULL,
    worker_id     uuid        NOT NULL,
    invitation_id uuid        NOT NULL REFERENCES team_invitations (id),
    joined_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (vendor_org_id, worker_id)
);
CREATE INDEX team_members_worker ON team_members (worker_id);

-- A vendor reviewing its package's submissions is audited like an enterprise reviewing its order's.
ALTER TABLE content_views DROP CONSTRAINT content_views_how_check;
ALTER TABLE content_views
    ADD CONSTRAINT content_views_how_check
        CHECK (how IN ('worker_claim', 'worker_view', 'enterprise_review', 'operator_view', 'acceptance_sample', 'vendor_review')) NOT VALID;
