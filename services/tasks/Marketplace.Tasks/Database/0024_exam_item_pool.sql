-- Exams draw each attempt's test items from the exam's pool (test_draw of them; NULL: all), preferring the items the
-- worker has seen least, so a retake does not get the same fixed set when the pool is larger. Each attempt keeps what it
-- drew; attempts from before took every test item.
ALTER TABLE exams ADD COLUMN test_draw int NULL CHECK (test_draw IS NULL OR test_draw >= 1);

CREATE TABLE exam_attempt_items (
    attempt_id uuid NOT NULL REFERENCES exam_attempts (id),
    position   int  NOT NULL CHECK (position >= 0),
    item_id    text NOT NULL,
    PRIMARY KEY (attempt_id, item_id),
    UNIQUE (attempt_id, position)
);

INSERT INTO exam_attempt_items (attempt_id, position, item_id)
SELECT a.id, i.position, i.item_id
FROM exam_attempts a JOIN exam_items i ON i.exam_id = a.exam_id AND i.part = 'test'
WHERE a.status <> 'training';
