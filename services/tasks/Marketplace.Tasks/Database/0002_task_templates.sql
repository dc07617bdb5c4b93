-- The order's task template travels with it, so a submission is checked against the answer shape of its task type.
ALTER TABLE task_orders
    ADD COLUMN multi_label boolean NOT NULL DEFAULT false,
    ADD COLUMN criteria    jsonb   NOT NULL DEFAULT '[]',
    ADD COLUMN data_grade  text    NOT NULL DEFAULT 'general' CHECK (data_grade IN ('general', 'important', 'core'));
-- Answers are JSON of the task type's shape (a label, a list of boxes, a ranking...); earlier answers were labels.
ALTER TABLE assignments ALTER COLUMN answer TYPE jsonb USING to_jsonb(answer);
