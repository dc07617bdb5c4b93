-- Organisations with members: a person may belong to several organisations, with a role in each (owner, reviewer,
-- finance), and acts for one at a time (the token's org and org_role). users.organisation_id stays the organisation the
-- person founded (or, for an operator, the operators'), the one a sign-in acts for while they are still a member.
CREATE TABLE memberships (
    organisation_id uuid        NOT NULL REFERENCES organisations (id),
    user_id         uuid        NOT NULL REFERENCES users (id),
    org_role        text        NOT NULL CHECK (org_role IN ('owner', 'reviewer', 'finance')),
    joined_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, joined_at);
-- Everyone so far founded their organisation alone: its owner.
INSERT INTO memberships (organisation_id, user_id, org_role, joined_at)
SELECT organisation_id, id, 'owner', created_at FROM users;

-- And so does every new account (a registration founds its organisation; an operator joins the operators'), whichever
-- code path inserts it: one rule in the database rather than one line in each INSERT.
CREATE FUNCTION users_found_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memberships (organisation_id, user_id, org_role, joined_at)
    VALUES (NEW.organisation_id, NEW.id, 'owner', NEW.created_at)
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$;
CREATE TRIGGER users_found_organisation AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_found_organisation();

-- An owner's invitation of a colleague by the e-mail they sign in with (or will register with): pending until the
-- invitee accepts or declines it, the owner revokes it, or it expires (expires_at; an expired one is never accepted).
CREATE TABLE invitations (
    id              uuid PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisations (id),
    email           text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    org_role        text        NOT NULL CHECK (org_role IN ('owner', 'reviewer', 'finance')),
    invited_by      uuid        NOT NULL REFERENCES users (id),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL CHECK (expires_at > created_at),
    decided_at      timestamptz NULL
);
-- One pending invitation per organisation and address (a lapsed one is marked expired when the owner invites again).
CREATE UNIQUE INDEX invitations_one_pending ON invitations (organisation_id, email) WHERE status = 'pending';
-- The invitee's list, and the organisation's list and its rate limit (invitations in the last hour).
CREATE INDEX invitations_by_email ON invitations (email, created_at DESC) WHERE status = 'pending';
CREATE INDEX invitations_by_organisation ON invitations (organisation_id, created_at DESC);
