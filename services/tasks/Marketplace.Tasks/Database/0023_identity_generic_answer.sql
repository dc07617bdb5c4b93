-- A submitted ID card number that another account already uses is taken like any other (the answer must not tell that
-- the number exists) and left to the operator, who sees which accounts share it; only one account may be verified with
-- a card.
DROP INDEX worker_identities_one_card;
CREATE UNIQUE INDEX worker_identities_one_verified_card ON worker_identities (id_number_hash) WHERE status = 'verified';
CREATE INDEX worker_identities_card ON worker_identities (id_number_hash);
