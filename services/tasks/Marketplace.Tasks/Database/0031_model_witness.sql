-- Issue 15: the model as a witness for its own label. When several answers lead with one label, the model gives another
-- that one of the answers gave, and the two weighed together favour the model's (ConfidenceRouting.Weigh: at the bar,
-- or at the cap as the likelier), the item is labelled so, method 'model-witness' (its provenance stays the answers).
ALTER TABLE item_labels DROP CONSTRAINT item_labels_method_check;
ALTER TABLE item_labels ADD CONSTRAINT item_labels_method_check
    CHECK (method IN ('majority-vote', 'dawid-skene', 'multi-label', 'bradley-terry', 'box-consensus',
                      'span-vote', 'text-vote', 'median', 'all-answers', 'rework', 'model-witness'));
