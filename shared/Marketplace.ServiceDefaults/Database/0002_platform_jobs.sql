-- Durable jobs: deadlines are data, claimed with FOR UPDATE SKIP LOCKED by any instance.
CREATE TABLE jobs (
    id           bigserial PRIMARY KEY,
    name         text        NOT NULL,
    payload      jsonb       NOT NULL DEFAULT '{}',
    unique_key   text        NULL UNIQUE,
    status       text        NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'running', 'succeeded', 'failed', 'cancelled')),
    run_at       timestamptz NOT NULL,
    attempts     int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts int         NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    locked_by    text        NULL,
    locked_until timestamptz NULL,
    last_error   text        NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'scheduled';
CREATE INDEX jobs_running ON jobs (locked_until) WHERE status = 'running';

CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job_id      bigint      NOT NULL REFERENCES jobs (id),
    job_name    text        NOT NULL,
    attempt     int         NOT NULL,
    instance    text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NULL,
    outcome     text        NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed')),
    error       text        NULL
);
CREATE INDEX job_runs_job ON job_runs (job_id);
CREATE INDEX job_runs_started ON job_runs (started_at DESC);

-- Recurring schedules: whichever instance claims a due schedule enqueues its next job.
CREATE TABLE recurring_jobs (
    name             text        PRIMARY KEY,
    interval_seconds int         NOT NULL CHECK (interval_seconds > 0),
    next_run_at      timestamptz NOT NULL,
    last_enqueued_at timestamptz NULL
);
