-- The built-in model's audit is sized by items, not a fixed tenth (issue 15): each order holds out HeldOut.ShareFor(its
-- items), 200 items' worth between 2% and 10%, fixed when the model is chosen so no item moves between the training
-- and the held-out set during the order. Orders that chose the model before keep the tenth they started with.
ALTER TABLE builtin_models ADD COLUMN held_out_share numeric(6, 5) NOT NULL DEFAULT 0.1
    CHECK (held_out_share > 0 AND held_out_share <= 0.5);
