-- A job keeps the correlation id of the request or message that scheduled it, so what the job causes is traced with it.
ALTER TABLE jobs ADD COLUMN correlation_id uuid NULL;
