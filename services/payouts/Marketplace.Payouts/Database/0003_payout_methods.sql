-- Where each worker is paid. The full account goes to the rail with each payout; what is shown is the masked form.
CREATE TABLE payout_methods (
    worker_id  uuid PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('bank_card', 'alipay')),
    account    text        NOT NULL CHECK (length(account) BETWEEN 5 AND 100),
    masked     text        NOT NULL,
    holder     text        NOT NULL CHECK (length(holder) BETWEEN 1 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Each payout records where it went (masked), and the bank's duplicate-callback mode joins the others.
ALTER TABLE payouts ADD COLUMN destination text NULL;
ALTER TABLE fake_bank_settings DROP CONSTRAINT fake_bank_settings_mode_check;
ALTER TABLE fake_bank_settings ADD CONSTRAINT fake_bank_settings_mode_check
    CHECK (mode IN ('succeed', 'decline', 'timeout', 'duplicate-callback'));
-- The confirmations the fake bank received back from us... and sent: every callback it made, to show the duplicates.
CREATE TABLE fake_bank_callbacks (
    id           bigserial PRIMARY KEY,
    reference    text        NOT NULL REFERENCES fake_bank_transfers (reference),
    delivered_at timestamptz NOT NULL DEFAULT now(),
    changed      boolean     NOT NULL
);
