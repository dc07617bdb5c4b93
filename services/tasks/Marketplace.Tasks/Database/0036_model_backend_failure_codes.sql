-- A model backend's failed calls as a code and its figures besides the English sentence, so the portal says them in the
-- reader's language (Chinese first). Rows from before keep their sentence and no code.
ALTER TABLE model_backend_failures
    ADD COLUMN code   text  NULL CHECK (code ~ '^[a-z_]{1,40}$'),
    ADD COLUMN params jsonb NULL CHECK (params IS NULL OR jsonb_typeof(params) = 'object');
