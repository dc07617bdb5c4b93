-- An uploaded image's size in pixels (orders reads it from the file's header at upload and sends it with the item),
-- kept on the item's slots so the COCO export can give boxes in pixels. Null for other content and for linked images.
-- NOT VALID: existing rows are all null; the check applies to every row written from now on without scanning the table.
ALTER TABLE assignments
    ADD COLUMN image_width  int NULL,
    ADD COLUMN image_height int NULL,
    ADD CONSTRAINT assignment_image_size CHECK ((image_width IS NULL) = (image_height IS NULL)
                                                AND (image_width IS NULL OR (image_width > 0 AND image_height > 0))) NOT VALID;
