-- Review: the enterprise rejects a submission with a reason code and a comment. The worker may appeal once within the
-- appeal window; an upheld appeal approves (and pays) it. A rejection that stands is replaced by a new slot for the
-- item (for another worker) once the window has passed or the appeal was denied, so each slot is paid for once.
ALTER TABLE assignments DROP CONSTRAINT assignments_status_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_status_check
    CHECK (status IN ('open', 'leased', 'submitted', 'approved', 'withdrawn', 'rejected'));
ALTER TABLE assignments
    ADD COLUMN reject_reason_code text        NULL,
    ADD COLUMN reject_comment     text        NULL,
    ADD COLUMN rejected_at        timestamptz NULL,
    ADD COLUMN appealable_until   timestamptz NULL,
    ADD COLUMN appeal_message     text        NULL,
    ADD COLUMN appealed_at        timestamptz NULL,
    ADD COLUMN appeal_status      text        NULL CHECK (appeal_status IN ('pending', 'upheld', 'denied')),
    ADD COLUMN appeal_note        text        NULL,
    ADD COLUMN appeal_resolved_at timestamptz NULL,
    ADD COLUMN replaced_by        uuid        NULL,
    ADD CONSTRAINT rejection_has_reason CHECK (status <> 'rejected' OR reject_reason_code IS NOT NULL);
CREATE INDEX assignments_pending_appeals ON assignments (order_id) WHERE appeal_status = 'pending';
