-- Every operator action that changes something (each non-GET request an operator's token makes through the gateway):
-- who, what (method and route with ids as {id}), to what (the path), when, and the answer's status. Append-only: the
-- gateway's role is granted INSERT and SELECT only, and a trigger refuses UPDATE, DELETE and TRUNCATE for anyone
-- (a superuser included), so nobody edits the record through the database either.
CREATE TABLE operator_actions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    operator_id    uuid        NOT NULL,
    operator_name  text        NOT NULL,
    method         text        NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
    action         text        NOT NULL CHECK (length(action) BETWEEN 1 AND 500),
    target         text        NOT NULL CHECK (length(target) BETWEEN 1 AND 2000),
    status         int         NOT NULL CHECK (status BETWEEN 100 AND 599),
    correlation_id text        NULL
);
CREATE INDEX operator_actions_newest ON operator_actions (occurred_at DESC, id DESC);
CREATE INDEX operator_actions_by_operator ON operator_actions (operator_id, occurred_at DESC, id DESC);
CREATE INDEX operator_actions_by_action ON operator_actions (action, occurred_at DESC, id DESC);

CREATE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'operator_actions is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER operator_actions_no_update BEFORE UPDATE OR DELETE ON operator_actions
    FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only();
CREATE TRIGGER operator_actions_no_truncate BEFORE TRUNCATE ON operator_actions
    FOR EACH STATEMENT EXECUTE FUNCTION operator_actions_append_only();

-- The role the gateway runs as (the table's owner) keeps only what appending and reading need.
REVOKE UPDATE, DELETE, TRUNCATE ON operator_actions FROM PUBLIC;
DO $$ BEGIN EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON operator_actions FROM %I', current_user); END $$;
