-- Each consumer counts the copies of a message it skipped as already applied: evidence (for operators and tests) that a
-- redelivery arrived and changed nothing, rather than an absence of effect that only time would show.
ALTER TABLE inbox_messages ADD COLUMN duplicates int NOT NULL DEFAULT 0 CHECK (duplicates >= 0);
ALTER TABLE inbox_messages ADD COLUMN last_duplicate_at timestamptz NULL;
