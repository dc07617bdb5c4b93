-- Media files (images, audio) an enterprise uploads for a draft order; manifest rows point at them as
-- content://<order id>/<name>. The bytes live in the content store under storage_key (a fresh key per version, so a
-- replacement never overwrites bytes a reader may be streaming); the name is what users see.
CREATE TABLE content_files (
    order_id    uuid        NOT NULL REFERENCES orders (id),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 255
                                            AND name ~ '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$'
                                            AND name !~ '(^|/)\.+(/|$)'),
    storage_key text        NOT NULL UNIQUE,
    bytes       bigint      NOT NULL CHECK (bytes > 0),
    media_type  text        NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp',
                                                           'audio/wav', 'audio/mpeg', 'audio/ogg', 'audio/flac', 'audio/mp4')),
    sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, name)
);
