-- An uploaded image's size in pixels, read from its header at upload: it travels with the item to tasks, whose COCO
-- export needs it. Null for audio (and for images uploaded before this column existed).
ALTER TABLE content_files
    ADD COLUMN width  int NULL,
    ADD COLUMN height int NULL,
    ADD CONSTRAINT content_file_size CHECK ((width IS NULL) = (height IS NULL) AND (width IS NULL OR (width > 0 AND height > 0)));
