-- How long the enterprise has to review a submission before tasks approves it for them (null: tasks' default, 3 days).
ALTER TABLE orders ADD COLUMN auto_approve_seconds int NULL CHECK (auto_approve_seconds BETWEEN 60 AND 2592000);
