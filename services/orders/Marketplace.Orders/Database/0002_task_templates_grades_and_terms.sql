-- Every task type, its template (labels, multi-label, rubric criteria), the data's grade and industry, the quality
-- and acceptance terms, and the states a bid-mode order will pass through once bidding lands.
ALTER TABLE orders DROP CONSTRAINT orders_task_type_check;
ALTER TABLE orders ADD CONSTRAINT orders_task_type_check CHECK (task_type IN (
    'text-classification', 'image-classification', 'audio-classification', 'bounding-boxes', 'text-spans',
    'transcription', 'llm-sft', 'reward-ranking', 'rubric-evaluation'));
ALTER TABLE orders DROP CONSTRAINT orders_labels_check;
ALTER TABLE orders ADD CONSTRAINT orders_labels_check CHECK (cardinality(labels) <= 200);
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
    'draft', 'published', 'funding_failed', 'awarded', 'in_progress', 'delivered', 'rework', 'accepted', 'closed', 'cancelled'));

ALTER TABLE orders
    ADD COLUMN multi_label             boolean      NOT NULL DEFAULT false,
    ADD COLUMN criteria                jsonb        NOT NULL DEFAULT '[]',
    ADD COLUMN data_grade              text         NOT NULL DEFAULT 'general' CHECK (data_grade IN ('general', 'important', 'core')),
    ADD COLUMN personal_information    boolean      NOT NULL DEFAULT false,
    ADD COLUMN industry                text         NOT NULL DEFAULT 'other' CHECK (industry IN (
        'medical', 'autonomous-driving', 'industrial-inspection', 'geographic', 'finance', 'education', 'culture-media', 'other')),
    ADD COLUMN required_qualifications text[]       NOT NULL DEFAULT '{}',
    ADD COLUMN required_accuracy       numeric(5, 4) NULL CHECK (required_accuracy BETWEEN 0 AND 1),
    ADD COLUMN gold_share              numeric(5, 4) NOT NULL DEFAULT 0 CHECK (gold_share BETWEEN 0 AND 0.5),
    ADD COLUMN sample_size             int          NULL CHECK (sample_size > 0),
    ADD COLUMN pass_threshold          numeric(5, 4) NOT NULL DEFAULT 0.95 CHECK (pass_threshold BETWEEN 0 AND 1),
    ADD COLUMN funded_at               timestamptz  NULL,
    -- Core data is never crowdsourced: it can only go to certified vendors through a call for bids.
    ADD CONSTRAINT core_data_never_to_the_crowd CHECK (data_grade <> 'core' OR mode = 'bid');
