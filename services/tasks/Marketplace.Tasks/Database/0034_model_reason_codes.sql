-- Why the built-in model waits, failed or kept its version, as a code and its figures besides the English sentence, so
-- the portal says it in the reader's language (Chinese first). A row from before keeps its sentence and no code.
ALTER TABLE builtin_models
    ADD COLUMN reason_code   text  NULL CHECK (reason_code ~ '^[a-z_]{1,40}$'),
    ADD COLUMN reason_params jsonb NULL CHECK (reason_params IS NULL OR jsonb_typeof(reason_params) = 'object');
