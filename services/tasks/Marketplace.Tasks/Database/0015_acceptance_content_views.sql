-- Content shown on orders' acceptance page is audited here too (AcceptanceSampleViewed): such a view is of an item, not
-- of an assignment. NOT VALID: the new checks hold for every existing row (a wider list; assignment_id was required),
-- so the append-only table is not scanned; they apply to every row written from now on.
ALTER TABLE content_views ALTER COLUMN assignment_id DROP NOT NULL;
ALTER TABLE content_views DROP CONSTRAINT content_views_how_check;
ALTER TABLE content_views
    ADD CONSTRAINT content_views_how_check
        CHECK (how IN ('worker_claim', 'worker_view', 'enterprise_review', 'operator_view', 'acceptance_sample')) NOT VALID,
    ADD CONSTRAINT content_views_assignment_unless_acceptance
        CHECK (assignment_id IS NOT NULL OR how = 'acceptance_sample') NOT VALID;
