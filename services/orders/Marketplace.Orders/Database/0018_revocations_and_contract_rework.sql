-- An operator may revoke an approved certification: it then counts for nothing, as an expired one does.
ALTER TABLE vendor_certifications DROP CONSTRAINT vendor_certifications_status_check;
ALTER TABLE vendor_certifications
    ADD CONSTRAINT vendor_certifications_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'revoked'));

-- A contracted order whose acceptance sample failed is reworked by its vendor: it puts the failed items of that round
-- back to work in rework packages (team or crowd, on its own tier, one more answer per item). Their items are a scope of
-- their own, so each failed item is in at most one rework package of the round and the order's first allocation stays.
ALTER TABLE acceptance_rounds ADD COLUMN rework_scope_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE work_packages
    ADD COLUMN rework_round int NULL CHECK (rework_round > 0),
    ADD CONSTRAINT rework_is_the_contract_holders_team_or_crowd
        CHECK (rework_round IS NULL OR (kind IN ('team', 'crowd') AND parent_id IS NULL AND max_answers = 1));
