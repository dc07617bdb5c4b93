-- Predictions are stored in one shape, {"label", "modelVersion", "score"} (issue 15 item 1): rows imported before held
-- the bare answer, which becomes the label of an unversioned, unscored pre-label.
UPDATE order_items SET predictions = jsonb_build_object('label', predictions, 'modelVersion', NULL, 'score', NULL)
WHERE predictions IS NOT NULL;
