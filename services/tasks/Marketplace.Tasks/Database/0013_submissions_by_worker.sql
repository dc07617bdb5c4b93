-- A worker's own submissions, newest first and keyset-paged (GET /assignments/submitted): walked backwards from the cursor.
CREATE INDEX assignments_submitted_by_worker ON assignments (worker_id, submitted_at, id)
    WHERE status IN ('submitted', 'approved', 'rejected') AND submitted_at IS NOT NULL;
