-- How the crowd takes the order's work: suites of assignments under one lease, for a time the enterprise chooses.
ALTER TABLE orders
    ADD COLUMN suite_size    int NOT NULL DEFAULT 1 CHECK (suite_size BETWEEN 1 AND 50),
    ADD COLUMN lease_seconds int NULL CHECK (lease_seconds BETWEEN 5 AND 86400);
