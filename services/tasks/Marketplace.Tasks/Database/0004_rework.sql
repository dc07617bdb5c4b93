-- Items sent back after a failed acceptance sample get one more slot each, showing the enterprise's finding.
ALTER TABLE assignments
    ADD COLUMN rework_round   int  NULL CHECK (rework_round > 0),
    ADD COLUMN rework_finding text NULL;
