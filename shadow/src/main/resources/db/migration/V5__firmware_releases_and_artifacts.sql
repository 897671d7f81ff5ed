-- Firmware releases: a version of a firmware for the devices whose tags hold its compatibility selector.
CREATE TABLE firmware_release (
    id            text PRIMARY KEY,
    name          text        NOT NULL,
    version       text        NOT NULL,
    compatibility jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- string map over device tags, e.g. {"model": "asg210"}
    notes         text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

-- The files of a release (a firmware package may be several images). A row exists only once its
-- bytes are stored completely: the upload writes it, its chunks and its checksum in one transaction.
CREATE TABLE firmware_artifact (
    id            text PRIMARY KEY,
    release_id    text        NOT NULL REFERENCES firmware_release (id) ON DELETE CASCADE,
    name          text        NOT NULL,                       -- role or file name, unique in the release
    size          bigint      NOT NULL CHECK (size >= 0),
    sha256        text        NOT NULL,                       -- lower-case hex
    content_type  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (release_id, name)
);

-- An artifact's bytes, in order. Every chunk but the last holds exactly the chunk size the store
-- writes with (256 KiB), so a byte offset names its chunk without reading the others.
CREATE TABLE firmware_chunk (
    artifact_id   text    NOT NULL REFERENCES firmware_artifact (id) ON DELETE CASCADE,
    seq           integer NOT NULL CHECK (seq >= 0),
    data          bytea   NOT NULL,
    PRIMARY KEY (artifact_id, seq)
);
-- The bytes are already compressed images: do not spend CPU compressing them again.
ALTER TABLE firmware_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- Keys of the pre-signed download links (HMAC-SHA256). The newest signs new links; the newest two
-- are accepted, so links minted just before a rotation keep working until they expire.
CREATE TABLE download_link_secret (
    id            bigserial   PRIMARY KEY,
    secret        bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
