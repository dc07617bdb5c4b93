-- The contracted market's money. A vendor organisation has a payable (vendor_payable:<org>:<currency>): what the
-- platform owes it from accepted contracts, less what it withdrew. It is credit-normal like a worker's payable, and
-- its pending column holds withdrawals on their way through the bank.
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check
    CHECK (kind IN ('bank', 'wallet', 'escrow', 'worker_payable', 'vendor_payable', 'platform_fee'));
ALTER TABLE accounts DROP CONSTRAINT credit_normal_accounts_never_debit;
ALTER TABLE accounts ADD CONSTRAINT credit_normal_accounts_never_debit
    CHECK (kind NOT IN ('wallet', 'escrow', 'worker_payable', 'vendor_payable', 'platform_fee') OR balance <= 0);
ALTER TABLE accounts DROP CONSTRAINT credit_normal_accounts_cover_pending;
ALTER TABLE accounts ADD CONSTRAINT credit_normal_accounts_cover_pending
    CHECK (kind NOT IN ('wallet', 'escrow', 'worker_payable', 'vendor_payable', 'platform_fee') OR balance + pending <= 0);

-- penalty: a late contract's penalty back to the enterprise; receivable: a vendor's share of an accepted contract;
-- withdrawal: a vendor's money out to its bank account; dispute: an operator's decision moving escrow.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('deposit', 'escrow', 'approval', 'payout', 'refund', 'release', 'reversal', 'fee', 'bonus',
                    'penalty', 'receivable', 'withdrawal'));

-- What settlement knows of a contract (AdjustEscrowToContract): its price, vendor, deliver-by and the order's terms
-- that price it (penalty, fee). first_delivered_at comes with OrderAccepted.
CREATE TABLE contracts (
    contract_id                  uuid PRIMARY KEY,
    order_id                     uuid           NOT NULL UNIQUE,
    enterprise_org_id            uuid           NOT NULL,
    vendor_org_id                uuid           NOT NULL,
    price                        numeric(20, 4) NOT NULL CHECK (price > 0),
    currency                     char(3)        NOT NULL,
    deliver_by                   timestamptz    NULL,
    late_penalty_percent_per_day numeric(9, 4)  NOT NULL DEFAULT 0 CHECK (late_penalty_percent_per_day >= 0),
    max_penalty_percent          numeric(9, 4)  NOT NULL DEFAULT 0 CHECK (max_penalty_percent BETWEEN 0 AND 100),
    fee_percent                  numeric(7, 4)  NOT NULL DEFAULT 0 CHECK (fee_percent BETWEEN 0 AND 100),
    minimum_fee                  numeric(20, 4) NOT NULL DEFAULT 0 CHECK (minimum_fee >= 0),
    first_delivered_at           timestamptz    NULL,
    -- Set once, when the split is booked: what each share came to.
    penalty                      numeric(20, 4) NULL,
    fee                          numeric(20, 4) NULL,
    settled_at                   timestamptz    NULL,
    created_at                   timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX contracts_vendor ON contracts (vendor_org_id);

-- SubcontractAgreed: vendor From owes vendor To the price out of its income from the order.
CREATE TABLE subcontracts (
    subcontract_id  uuid PRIMARY KEY,
    order_id        uuid           NOT NULL,
    contract_id     uuid           NOT NULL,
    from_vendor_org_id uuid        NOT NULL,
    to_vendor_org_id   uuid        NOT NULL CHECK (to_vendor_org_id <> from_vendor_org_id),
    items           int            NOT NULL CHECK (items >= 0),
    price           numeric(20, 4) NOT NULL CHECK (price >= 0),
    currency        char(3)        NOT NULL,
    agreed_at       timestamptz    NOT NULL
);
CREATE INDEX subcontracts_order ON subcontracts (order_id);
CREATE INDEX subcontracts_to ON subcontracts (to_vendor_org_id);

-- A vendor's work-package approvals (ApprovedAssignment.PayerVendorOrgId): paid from escrow at approval, they are that
-- vendor's cost at the split. One row per assignment, written with its ledger booking.
CREATE TABLE vendor_package_costs (
    assignment_id uuid PRIMARY KEY,
    order_id      uuid           NOT NULL,
    vendor_org_id uuid           NOT NULL,
    amount        numeric(20, 4) NOT NULL,
    currency      char(3)        NOT NULL
);
CREATE INDEX vendor_package_costs_order ON vendor_package_costs (order_id, vendor_org_id);

-- Where each vendor withdraws to (told by payouts, which holds the full account): a withdrawal needs one.
CREATE TABLE vendor_payout_accounts (
    vendor_org_id uuid PRIMARY KEY,
    masked        text        NOT NULL,
    holder        text        NOT NULL,
    set_at        timestamptz NOT NULL
);

-- A vendor's withdrawal: held out of its payable (accounts.pending) while the bank works; booked payable → bank when
-- the bank confirms, the hold let go when it declines.
CREATE TABLE vendor_withdrawals (
    id             uuid PRIMARY KEY,
    vendor_org_id  uuid           NOT NULL,
    amount         numeric(20, 2) NOT NULL CHECK (amount > 0),
    currency       char(3)        NOT NULL,
    destination    text           NOT NULL,
    status         text           NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    rail_reference text           NULL,
    failure_reason text           NULL,
    requested_by   uuid           NOT NULL,
    requested_at   timestamptz    NOT NULL DEFAULT now(),
    completed_at   timestamptz    NULL
);
CREATE INDEX vendor_withdrawals_vendor ON vendor_withdrawals (vendor_org_id, requested_at DESC);

-- A dispute's decision closes the escrow too (Refunds): release as if accepted, a partial release of dispute_vendor_amount
-- to the vendor side with the rest refunded, or a refund of what is left.
ALTER TABLE order_closures DROP CONSTRAINT order_closures_reason_check;
ALTER TABLE order_closures ADD CONSTRAINT order_closures_reason_check CHECK (reason IN ('cancelled', 'accepted', 'dispute'));
ALTER TABLE contracts
    ADD COLUMN dispute_id            uuid           NULL,
    ADD COLUMN dispute_outcome       text           NULL CHECK (dispute_outcome IN ('release', 'partial', 'refund')),
    ADD COLUMN dispute_vendor_amount numeric(20, 4) NULL CHECK (dispute_vendor_amount > 0);
