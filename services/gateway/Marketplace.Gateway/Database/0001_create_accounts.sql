CREATE TABLE organisations (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text        NOT NULL CHECK (kind IN ('enterprise', 'vendor', 'worker', 'operator')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisations (id),
    email           text        NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash   text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('enterprise', 'vendor', 'worker', 'operator')),
    display_name    text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_organisation ON users (organisation_id);

-- The one organisation every operator belongs to.
INSERT INTO organisations (id, name, kind) VALUES ('00000000-0000-0000-0000-00000000000f', 'Platform operations', 'operator');
