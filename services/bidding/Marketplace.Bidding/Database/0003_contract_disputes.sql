-- A contract records its order's dispute (DisputeOpened, DisputeDecided from orders): whether one is open, and the
-- operator's decision (release, partial with the vendor side's amount, refund).
ALTER TABLE contracts
    ADD COLUMN dispute_status        text           NULL CHECK (dispute_status IN ('open', 'decided')),
    ADD COLUMN dispute_outcome       text           NULL CHECK (dispute_outcome IN ('release', 'partial', 'refund')),
    ADD COLUMN dispute_vendor_amount numeric(20, 4) NULL,
    ADD COLUMN dispute_decided_at    timestamptz    NULL;
