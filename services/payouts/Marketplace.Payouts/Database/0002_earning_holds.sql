-- Earnings come from approved assignments and from bonuses, and are held for a while (Payouts:EarningsHold) so an
-- operator can still reverse one (a rejection upheld after appeal) before it can be paid out.
ALTER TABLE earnings DROP CONSTRAINT earnings_pkey;
ALTER TABLE earnings ALTER COLUMN assignment_id DROP NOT NULL;
ALTER TABLE earnings
    ADD COLUMN id              uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    ADD COLUMN kind            text        NOT NULL DEFAULT 'assignment' CHECK (kind IN ('assignment', 'bonus')),
    ADD COLUMN bonus_id        uuid        NULL UNIQUE,
    ADD COLUMN reason          text        NULL,
    ADD COLUMN status          text        NOT NULL DEFAULT 'available' CHECK (status IN ('held', 'available', 'reversed')),
    ADD COLUMN available_at    timestamptz NULL,
    ADD COLUMN reversed_at     timestamptz NULL,
    ADD COLUMN reversal_reason text        NULL,
    ADD CONSTRAINT earning_has_its_source CHECK ((kind = 'assignment') = (assignment_id IS NOT NULL) AND (kind = 'bonus') = (bonus_id IS NOT NULL)),
    ADD CONSTRAINT reversed_has_reason CHECK ((status = 'reversed') = (reversal_reason IS NOT NULL));
CREATE UNIQUE INDEX earnings_assignment ON earnings (assignment_id) WHERE assignment_id IS NOT NULL;
CREATE INDEX earnings_held_due ON earnings (available_at) WHERE status = 'held';

ALTER TABLE worker_balances ADD COLUMN held numeric(20, 4) NOT NULL DEFAULT 0 CHECK (held >= 0);
