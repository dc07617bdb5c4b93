-- The order's terms the crowd engine enforces: who may take the work (industry, personal information, required
-- qualifications, data grade), the quality bar (required accuracy, gold share) and dynamic overlap (confidence bar, cap).
ALTER TABLE task_orders
    ADD COLUMN industry                text          NOT NULL DEFAULT 'other',
    ADD COLUMN personal_information    boolean       NOT NULL DEFAULT false,
    ADD COLUMN required_qualifications text[]        NOT NULL DEFAULT '{}',
    ADD COLUMN required_accuracy       numeric(5, 4) NULL,
    ADD COLUMN gold_share              numeric(5, 4) NOT NULL DEFAULT 0,
    ADD COLUMN confidence_bar          numeric(5, 4) NULL,
    ADD COLUMN overlap_cap             int           NULL;
