-- A vendor's work package shows its workers the order's title and instructions, as a crowd order's card and workbench
-- do (StartWorkPackage.Title/Instructions). NULL for crowd orders (the workers' feed reads them from orders) and for
-- packages started before the command carried them.
ALTER TABLE task_orders
    ADD COLUMN title        text NULL CHECK (length(title) <= 200),
    ADD COLUMN instructions text NULL CHECK (length(instructions) <= 20000);
