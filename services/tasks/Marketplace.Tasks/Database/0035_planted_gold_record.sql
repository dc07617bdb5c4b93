-- Gold answers on slots that carried a planted (deliberately wrong) suggestion, and how many of them were right: judged
-- on their own (GoldVerdict), so a worker who copies suggestions is caught by them even when the rest of their gold
-- record would pass, now that a record is judged by a statistical test rather than its raw share.
ALTER TABLE worker_order_quality
    ADD COLUMN planted_answered int NOT NULL DEFAULT 0 CHECK (planted_answered >= 0),
    ADD COLUMN planted_correct  int NOT NULL DEFAULT 0 CHECK (planted_correct BETWEEN 0 AND planted_answered);
