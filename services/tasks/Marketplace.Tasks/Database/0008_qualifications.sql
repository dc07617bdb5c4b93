-- Who may claim: a worker's clearance (identity, confidentiality agreement, vetting), the qualifications they earn by
-- exams, and the audit trail of every view of an item's content.

-- Identity details a worker submits for verification. Only what verification needs is kept: the legal name, the ID
-- number masked for display, and a keyed hash of the full number so that one ID card backs one account.
CREATE TABLE worker_identities (
    worker_id        uuid PRIMARY KEY,
    legal_name       text        NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 100),
    id_number_masked text        NOT NULL CHECK (length(id_number_masked) = 18),
    id_number_hash   text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
    rejection_reason text        NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    reviewed_at      timestamptz NULL,
    reviewed_by      uuid        NULL,
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (status = 'pending' OR reviewed_at IS NOT NULL)
);
CREATE UNIQUE INDEX worker_identities_one_card ON worker_identities (id_number_hash) WHERE status IN ('pending', 'verified');
CREATE INDEX worker_identities_queue ON worker_identities (submitted_at) WHERE status = 'pending';

-- The confidentiality agreement is versioned text; a signature binds a worker to one version. Only a signature of
-- the current version counts towards important-grade clearance.
CREATE TABLE confidentiality_agreements (
    version      int PRIMARY KEY CHECK (version > 0),
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body         text        NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    published_by uuid        NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO confidentiality_agreements (version, title, body) VALUES (1, 'Confidentiality agreement for labeling work', $agreement$
1. The items I am shown are the property of the enterprise that ordered the work. I use them only to do the work I claimed.
2. I do not copy, photograph, download, record, publish or share any item, any part of one, or anything derived from one.
3. I do not try to find out who the people in the data are, and I do not contact them.
4. I work on important-grade data only on a device and in a place where nobody else can see it.
5. Every time I view an item, the platform records it. I report any suspected leak to the platform at once.
6. These duties continue after my work ends. Breaking them ends my access and may lead to legal action.
$agreement$);

CREATE TABLE agreement_signatures (
    worker_id uuid        NOT NULL,
    version   int         NOT NULL REFERENCES confidentiality_agreements (version),
    signed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, version)
);

-- Vetting for important-grade data: by an operator now; a vendor vetting workers of its own pool records its org.
CREATE TABLE worker_vettings (
    worker_id     uuid PRIMARY KEY,
    status        text        NOT NULL CHECK (status IN ('vetted', 'revoked')),
    vetter_id     uuid        NOT NULL,
    vetter_role   text        NOT NULL CHECK (vetter_role IN ('operator', 'vendor')),
    vetter_org_id uuid        NOT NULL,
    note          text        NULL,
    decided_at    timestamptz NOT NULL DEFAULT now()
);

-- none < general (identity verified) < important (verified, current agreement signed, vetted).
CREATE FUNCTION worker_clearance(p_worker uuid) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM worker_identities i WHERE i.worker_id = p_worker AND i.status = 'verified') THEN 'none'
        WHEN EXISTS (SELECT 1 FROM worker_vettings v WHERE v.worker_id = p_worker AND v.status = 'vetted')
         AND EXISTS (SELECT 1 FROM agreement_signatures s
                     WHERE s.worker_id = p_worker AND s.version = (SELECT max(version) FROM confidentiality_agreements)) THEN 'important'
        ELSE 'general'
    END
$$;

CREATE FUNCTION clearance_rank(p_clearance text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_clearance WHEN 'general' THEN 1 WHEN 'important' THEN 2 ELSE 0 END
$$;

-- The clearance an order's data needs: personal information counts as important; core is out of the crowd's reach.
CREATE FUNCTION required_clearance_rank(p_grade text, p_personal_information boolean) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_grade = 'core' THEN 3 WHEN p_grade = 'important' OR p_personal_information THEN 2 ELSE 1 END
$$;

-- An exam grants a qualification: training items (known answer + explanation, feedback at once), then test items.
CREATE TABLE exams (
    id                      uuid PRIMARY KEY,
    qualification           text           NOT NULL CHECK (length(qualification) BETWEEN 1 AND 100),
    name                    text           NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    instructions            text           NOT NULL DEFAULT '',
    task_type               text           NOT NULL,
    industry                text           NOT NULL,
    labels                  text[]         NOT NULL DEFAULT '{}',
    multi_label             boolean        NOT NULL DEFAULT false,
    criteria                jsonb          NOT NULL DEFAULT '[]',
    pass_mark               numeric(5, 4)  NOT NULL CHECK (pass_mark > 0 AND pass_mark <= 1),
    time_limit_seconds      int            NOT NULL CHECK (time_limit_seconds BETWEEN 5 AND 86400),
    retake_cooldown_seconds int            NOT NULL CHECK (retake_cooldown_seconds BETWEEN 0 AND 2592000),
    created_by              uuid           NOT NULL,
    created_at              timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX exams_qualification ON exams (qualification);

CREATE TABLE exam_items (
    exam_id      uuid  NOT NULL REFERENCES exams (id),
    part         text  NOT NULL CHECK (part IN ('training', 'test')),
    position     int   NOT NULL CHECK (position >= 0),
    item_id      text  NOT NULL CHECK (length(item_id) BETWEEN 1 AND 200),
    content      text  NOT NULL,
    known_answer jsonb NOT NULL,
    explanation  text  NULL,
    PRIMARY KEY (exam_id, part, item_id),
    UNIQUE (exam_id, part, position),
    CHECK (part = 'test' OR explanation IS NOT NULL)
);

CREATE TABLE exam_attempts (
    id              uuid PRIMARY KEY,
    exam_id         uuid          NOT NULL REFERENCES exams (id),
    worker_id       uuid          NOT NULL,
    status          text          NOT NULL DEFAULT 'training' CHECK (status IN ('training', 'testing', 'passed', 'failed')),
    started_at      timestamptz   NOT NULL DEFAULT now(),
    test_started_at timestamptz   NULL,
    test_deadline   timestamptz   NULL,
    finished_at     timestamptz   NULL,
    correct         int           NULL,
    total           int           NULL,
    score           numeric(5, 4) NULL,
    CHECK (status = 'training' OR test_deadline IS NOT NULL),
    CHECK (status NOT IN ('passed', 'failed') OR (finished_at IS NOT NULL AND score IS NOT NULL))
);
-- One unfinished attempt per worker and exam.
CREATE UNIQUE INDEX exam_attempts_one_open ON exam_attempts (exam_id, worker_id) WHERE status IN ('training', 'testing');
CREATE INDEX exam_attempts_worker ON exam_attempts (worker_id, started_at);

-- Training answers may be tried again (practice); each test item is answered once (the primary key).
CREATE TABLE exam_answers (
    attempt_id  uuid        NOT NULL REFERENCES exam_attempts (id),
    part        text        NOT NULL CHECK (part IN ('training', 'test')),
    item_id     text        NOT NULL,
    answer      jsonb       NOT NULL,
    correct     boolean     NOT NULL,
    tries       int         NOT NULL DEFAULT 1,
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, part, item_id)
);

-- A passed exam grants the qualification by name (the name orders require); a later pass updates the record.
CREATE TABLE worker_qualifications (
    worker_id     uuid          NOT NULL,
    qualification text          NOT NULL,
    task_type     text          NOT NULL,
    industry      text          NOT NULL,
    score         numeric(5, 4) NOT NULL,
    exam_id       uuid          NOT NULL REFERENCES exams (id),
    attempt_id    uuid          NOT NULL REFERENCES exam_attempts (id),
    granted_at    timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, qualification)
);

-- Every time an item's content is shown: who saw which item of which order, when and how. Append-only.
CREATE TABLE content_views (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      uuid        NOT NULL,
    item_id       text        NOT NULL,
    assignment_id uuid        NOT NULL,
    viewer_id     uuid        NOT NULL,
    viewer_org_id uuid        NOT NULL,
    viewer_role   text        NOT NULL,
    how           text        NOT NULL CHECK (how IN ('worker_claim', 'worker_view', 'enterprise_review', 'operator_view')),
    viewed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX content_views_order ON content_views (order_id, id);
