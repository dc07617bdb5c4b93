-- Routing as answers arrive (issue 15). A slot added to an item that already has answers (dynamic overlap) is a follow-up:
-- it comes before every item's first slot, so items that are started get finished, their labels are accepted sooner and
-- a model that learns from them improves while most first slots are still open (bench/labeling.sh: MNIST with the
-- built-in model, 25% of the answers saved with first slots first, 37% with follow-ups first). Within each group, as
-- before, no score first, then the score's tenths, lowest first: follow-ups -12 (no score) and -11 to -2, first slots
-- -1 and 0 to 9.
ALTER TABLE assignments ADD COLUMN follow_up boolean NOT NULL DEFAULT false;
DROP INDEX assignments_claimable_by_priority;
ALTER TABLE assignments DROP COLUMN claim_priority;
ALTER TABLE assignments ADD COLUMN claim_priority smallint GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(prelabel -> 'score') = 'number'
         THEN least(9, floor((prelabel ->> 'score')::numeric * 10))::smallint
         ELSE -1::smallint END
    - CASE WHEN follow_up THEN 11::smallint ELSE 0::smallint END) STORED;
CREATE INDEX assignments_claimable_by_priority ON assignments (order_id, lane, claim_priority, created_at, id) WHERE status = 'open';

-- A rolling pass is due when an order has answers approved since the last one (ApprovalPublisher).
CREATE INDEX assignments_approved_by_order ON assignments (order_id, approved_at) WHERE status = 'approved';
