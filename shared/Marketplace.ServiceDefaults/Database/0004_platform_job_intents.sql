-- Jobs run on Hangfire (schema "hangfire", installed by Hangfire.PostgreSql itself). Hangfire cannot join our
-- transactions, so a job that must follow a commit is written here in the same transaction as the state it follows,
-- and the relay (JobIntentRelay) hands it to Hangfire, retrying until Hangfire has it.
CREATE TABLE job_intents (
    id              bigserial   PRIMARY KEY,
    job_type        text        NOT NULL,
    payload         jsonb       NOT NULL,
    run_at          timestamptz NULL,
    unique_key      text        NULL UNIQUE,
    correlation_id  uuid        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    enqueued_at     timestamptz NULL,
    hangfire_job_id text        NULL,
    CHECK ((enqueued_at IS NULL) = (hangfire_job_id IS NULL))
);
CREATE INDEX job_intents_waiting ON job_intents (id) WHERE enqueued_at IS NULL;

-- The hand-written runner's pending one-off jobs move over (its recurring schedules are Hangfire's now). Auto-approvals
-- are not jobs any more (a due time on the assignment): tasks' migration reads them from retired_jobs.
INSERT INTO job_intents (job_type, payload, run_at, unique_key, correlation_id)
SELECT t.job_type, j.payload, j.run_at, j.unique_key, j.correlation_id
FROM jobs j
JOIN (VALUES ('dataset-import', 'Marketplace.Orders.Datasets.ImportDataset, Marketplace.Orders'),
             ('prepare-work', 'Marketplace.Orders.Work.PrepareWork, Marketplace.Orders'),
             ('replace-rejected', 'Marketplace.Tasks.Jobs.ReplaceRejected, Marketplace.Tasks'),
             ('aggregate-labels', 'Marketplace.Tasks.Jobs.AggregateLabels, Marketplace.Tasks'),
             ('export-labels', 'Marketplace.Tasks.Jobs.ExportLabels, Marketplace.Tasks'),
             ('finish-exam-attempt', 'Marketplace.Tasks.Jobs.FinishExamAttempt, Marketplace.Tasks'),
             ('fake-bank-callback', 'Marketplace.Payouts.Rail.FakeBankCallback, Marketplace.Payouts'))
     AS t (name, job_type) ON t.name = j.name
WHERE j.status IN ('scheduled', 'running');

DROP TABLE job_runs;
DROP TABLE recurring_jobs;
ALTER TABLE jobs RENAME TO retired_jobs;
