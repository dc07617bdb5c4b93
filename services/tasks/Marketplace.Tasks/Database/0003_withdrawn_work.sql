-- A cancelled order's open and leased assignments are withdrawn: nobody can claim or submit them any more.
ALTER TABLE assignments DROP CONSTRAINT assignments_status_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_status_check CHECK (status IN ('open', 'leased', 'submitted', 'approved', 'withdrawn'));
ALTER TABLE assignments DROP CONSTRAINT assignments_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_worker_when_worked CHECK (status IN ('open', 'withdrawn') OR worker_id IS NOT NULL);
ALTER TABLE task_orders ADD COLUMN cancelled_at timestamptz NULL;
