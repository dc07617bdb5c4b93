-- An order's terms are one typed record (Marketplace.Contracts.Orders.OrderTerms) stored whole in `terms`. The columns
-- queries filter and join on are generated from it, so there is one source of truth and a new term needs no column.
CREATE FUNCTION terms_text_array(value jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce((SELECT array_agg(e ORDER BY n) FROM jsonb_array_elements_text(value) WITH ORDINALITY AS t(e, n)), '{}');
-- ISO 8601 with an offset (how the terms store instants) reads the same whatever the session's time zone.
CREATE FUNCTION terms_instant(value text) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN value::timestamptz;

ALTER TABLE orders ADD COLUMN terms jsonb NULL;
UPDATE orders SET terms = jsonb_build_object(
    'mode', mode, 'taskType', task_type, 'labels', to_jsonb(labels), 'multiLabel', multi_label, 'criteria', criteria,
    'overlap', overlap, 'overlapCap', overlap_cap, 'confidenceBar', confidence_bar,
    'unitPrice', unit_price, 'workerReward', worker_reward, 'platformFee', platform_fee, 'feePercent', fee_percent,
    'minimumFee', minimum_fee, 'currency', currency, 'deadline', to_jsonb(deadline),
    'dataGrade', data_grade, 'personalInformation', personal_information, 'industry', industry,
    'requiredQualifications', to_jsonb(required_qualifications), 'goldShare', gold_share, 'requiredAccuracy', required_accuracy,
    'suiteSize', suite_size, 'leaseSeconds', lease_seconds, 'autoApproveSeconds', auto_approve_seconds,
    'sampleSize', sample_size, 'sampleRate', sample_rate, 'passThreshold', pass_threshold);
ALTER TABLE orders ALTER COLUMN terms SET NOT NULL;

-- Dropping a column drops the constraints on it; the ones that still matter come back below on the generated columns.
ALTER TABLE orders
    DROP COLUMN mode, DROP COLUMN task_type, DROP COLUMN labels, DROP COLUMN multi_label, DROP COLUMN criteria,
    DROP COLUMN overlap, DROP COLUMN overlap_cap, DROP COLUMN confidence_bar,
    DROP COLUMN unit_price, DROP COLUMN worker_reward, DROP COLUMN platform_fee, DROP COLUMN fee_percent,
    DROP COLUMN minimum_fee, DROP COLUMN currency, DROP COLUMN deadline,
    DROP COLUMN data_grade, DROP COLUMN personal_information, DROP COLUMN industry, DROP COLUMN required_qualifications,
    DROP COLUMN gold_share, DROP COLUMN required_accuracy, DROP COLUMN suite_size, DROP COLUMN lease_seconds,
    DROP COLUMN auto_approve_seconds, DROP COLUMN sample_size, DROP COLUMN sample_rate, DROP COLUMN pass_threshold;

ALTER TABLE orders
    ADD COLUMN mode                    text           GENERATED ALWAYS AS (terms->>'mode') STORED,
    ADD COLUMN task_type               text           GENERATED ALWAYS AS (terms->>'taskType') STORED,
    ADD COLUMN labels                  text[]         GENERATED ALWAYS AS (terms_text_array(terms->'labels')) STORED,
    ADD COLUMN multi_label             boolean        GENERATED ALWAYS AS (coalesce((terms->>'multiLabel')::boolean, false)) STORED,
    ADD COLUMN criteria                jsonb          GENERATED ALWAYS AS (coalesce(terms->'criteria', '[]')) STORED,
    ADD COLUMN overlap                 int            GENERATED ALWAYS AS ((terms->>'overlap')::int) STORED,
    ADD COLUMN overlap_cap             int            GENERATED ALWAYS AS ((terms->>'overlapCap')::int) STORED,
    ADD COLUMN confidence_bar          numeric(5, 4)  GENERATED ALWAYS AS ((terms->>'confidenceBar')::numeric) STORED,
    ADD COLUMN unit_price              numeric(20, 4) GENERATED ALWAYS AS ((terms->>'unitPrice')::numeric) STORED,
    ADD COLUMN worker_reward           numeric(20, 4) GENERATED ALWAYS AS ((terms->>'workerReward')::numeric) STORED,
    ADD COLUMN platform_fee            numeric(20, 4) GENERATED ALWAYS AS ((terms->>'platformFee')::numeric) STORED,
    ADD COLUMN fee_percent             numeric(7, 4)  GENERATED ALWAYS AS ((terms->>'feePercent')::numeric) STORED,
    ADD COLUMN minimum_fee             numeric(20, 4) GENERATED ALWAYS AS ((terms->>'minimumFee')::numeric) STORED,
    ADD COLUMN currency                char(3)        GENERATED ALWAYS AS (terms->>'currency') STORED,
    ADD COLUMN deadline                timestamptz    GENERATED ALWAYS AS (terms_instant(terms->>'deadline')) STORED,
    ADD COLUMN data_grade              text           GENERATED ALWAYS AS (terms->>'dataGrade') STORED,
    ADD COLUMN personal_information    boolean        GENERATED ALWAYS AS (coalesce((terms->>'personalInformation')::boolean, false)) STORED,
    ADD COLUMN industry                text           GENERATED ALWAYS AS (terms->>'industry') STORED,
    ADD COLUMN required_qualifications text[]         GENERATED ALWAYS AS (terms_text_array(terms->'requiredQualifications')) STORED,
    ADD COLUMN gold_share              numeric(5, 4)  GENERATED ALWAYS AS (coalesce((terms->>'goldShare')::numeric, 0)) STORED,
    ADD COLUMN required_accuracy       numeric(5, 4)  GENERATED ALWAYS AS ((terms->>'requiredAccuracy')::numeric) STORED,
    ADD COLUMN suite_size              int            GENERATED ALWAYS AS (coalesce((terms->>'suiteSize')::int, 1)) STORED,
    ADD COLUMN lease_seconds           int            GENERATED ALWAYS AS ((terms->>'leaseSeconds')::int) STORED,
    ADD COLUMN auto_approve_seconds    int            GENERATED ALWAYS AS ((terms->>'autoApproveSeconds')::int) STORED,
    ADD COLUMN sample_size             int            GENERATED ALWAYS AS ((terms->>'sampleSize')::int) STORED,
    ADD COLUMN sample_rate             numeric(5, 4)  GENERATED ALWAYS AS ((terms->>'sampleRate')::numeric) STORED,
    ADD COLUMN pass_threshold          numeric(5, 4)  GENERATED ALWAYS AS (coalesce((terms->>'passThreshold')::numeric, 0.95)) STORED;

ALTER TABLE orders
    ADD CONSTRAINT terms_complete CHECK (mode IN ('crowd', 'bid') AND task_type IS NOT NULL AND overlap BETWEEN 1 AND 9
        AND unit_price > 0 AND worker_reward >= 0 AND platform_fee >= 0 AND currency IS NOT NULL AND deadline IS NOT NULL
        AND data_grade IN ('general', 'important', 'core') AND industry IS NOT NULL),
    ADD CONSTRAINT price_splits_exactly CHECK (worker_reward + platform_fee = unit_price),
    ADD CONSTRAINT core_data_never_to_the_crowd CHECK (data_grade <> 'core' OR mode = 'bid'),
    ADD CONSTRAINT overlap_cap_covers_overlap CHECK (overlap_cap IS NULL OR overlap_cap >= overlap),
    ADD CONSTRAINT budget_covers_items
        CHECK (budget = unit_price * (item_count * coalesce(overlap_cap, overlap) + gold_slots) + minimum_fee_reserve),
    ADD CONSTRAINT minimum_fee_reserve_sized
        CHECK (minimum_fee_reserve = greatest(0, minimum_fee - platform_fee * (item_count * overlap + gold_slots)));

-- The contracted states of the order process (OrderProcess.cs): a call for bids open, closed with no bids, closed
-- with bids awaiting the award.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
    'draft', 'published', 'funding_failed', 'tendering', 'no_bids', 'evaluating', 'awarded', 'in_progress', 'delivered',
    'rework', 'accepted', 'closed', 'cancelled'));

-- The tender: which round of calls for bids the order is in, and the contract its award made.
ALTER TABLE orders
    ADD COLUMN tender_round      int            NOT NULL DEFAULT 0,
    ADD COLUMN contract_id       uuid           NULL,
    ADD COLUMN contract_price    numeric(20, 4) NULL CHECK (contract_price > 0),
    ADD COLUMN contract_deliver_by timestamptz  NULL,
    ADD COLUMN delivered_at      timestamptz    NULL,
    ADD COLUMN delivery_attempts int            NOT NULL DEFAULT 0;
