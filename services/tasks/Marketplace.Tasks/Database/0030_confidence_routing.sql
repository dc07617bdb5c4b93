-- Confidence-routed overlap and active learning (issue 15 item 3).

-- Unsure first: an open slot's place in its lane's queue starts with the model's score for its item, in tenths (0 for
-- a score below 0.1 ... 9 for 0.9 and above), and -1, first of all, for an item the model gave no score (it knows
-- nothing about it). Generated from the slot's pre-label, so whatever sets the pre-label (the split, a model's
-- predictions through ModelPredictions.SaveAsync, planting) moves the slot in the queue with it. Tenths rather than
-- the exact score, so most lanes' fronts share the lowest band and concurrent claimers still spread over the lanes.
ALTER TABLE assignments ADD COLUMN claim_priority smallint GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(prelabel -> 'score') = 'number'
         THEN least(9, floor((prelabel ->> 'score')::numeric * 10))::smallint
         ELSE -1::smallint END) STORED;
CREATE INDEX assignments_claimable_by_priority ON assignments (order_id, lane, claim_priority, created_at, id) WHERE status = 'open';
DROP INDEX assignments_claimable_by_lane;

-- Planting wrong suggestions on gold slots reads an order's gold slots, a few among many.
CREATE INDEX assignments_gold ON assignments (order_id) WHERE is_gold;

-- An item settled by one answer that agreed with a confident model (its confidence combines the two).
ALTER TABLE item_labels ADD COLUMN closed_by_model boolean NOT NULL DEFAULT false;

-- A worker who submitted a planted (deliberately wrong) suggestion unchanged: counted per order beside their gold record.
ALTER TABLE worker_order_quality ADD COLUMN planted_copied int NOT NULL DEFAULT 0 CHECK (planted_copied >= 0);

-- The model's current suggestion for an item: its newest prediction (item_predictions) when a model made one, else the
-- pre-label its slots carry (a manifest's prediction), never a planted one. New slots of an item (dynamic overlap, a
-- rejected answer's replacement) start from it.
CREATE FUNCTION current_prelabel(p_order uuid, p_item text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT jsonb_build_object('label', p.label, 'modelVersion', p.model_version, 'score', p.score)
         FROM item_predictions p WHERE p.order_id = p_order AND p.item_id = p_item),
        (SELECT a.prelabel FROM assignments a
         WHERE a.order_id = p_order AND a.item_id = p_item AND a.prelabel IS NOT NULL AND NOT a.prelabel_planted
         ORDER BY a.slot DESC LIMIT 1))
$$;
