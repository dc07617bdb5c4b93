-- A submission's review deadline is data on the assignment; a recurring sweep approves what is due (jobs run on Hangfire).
ALTER TABLE assignments ADD COLUMN auto_approve_at timestamptz NULL;
CREATE INDEX assignments_auto_approve_due ON assignments (auto_approve_at) WHERE status = 'submitted';

-- Submissions waiting for review keep the deadline the hand-written runner held for them (its table is retired_jobs now);
-- one without a pending job (there should be none) is due at once.
UPDATE assignments a SET auto_approve_at = coalesce(
    (SELECT min(j.run_at) FROM retired_jobs j
     WHERE j.name = 'auto-approve' AND j.status IN ('scheduled', 'running') AND j.payload ->> 'assignmentId' = a.id::text),
    now())
WHERE a.status = 'submitted';

-- Claims take an order's lapsed leases back themselves: found by order.
CREATE INDEX assignments_lapsed_by_order ON assignments (order_id, lease_expires_at) WHERE status = 'leased';

-- A rejection's appeal window is swept too (replace-standing-rejections).
CREATE INDEX assignments_rejections_standing ON assignments (appealable_until)
    WHERE status = 'rejected' AND replaced_by IS NULL AND appeal_status IS NULL;
