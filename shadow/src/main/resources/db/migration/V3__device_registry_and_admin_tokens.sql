-- The device registry: who may connect, with which credentials. The id is the MQTT client id and
-- the thing name of the device's shadow.
CREATE TABLE device (
    id                text PRIMARY KEY,
    tags              jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- string map, for rules and groups
    enabled           boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_seen_at      timestamptz,                                -- last successful login
    password_hash     text,                                       -- pbkdf2-sha256$iterations$salt$hash; NULL: no password
    cert_fingerprints text[]      NOT NULL DEFAULT '{}'           -- SHA-256 of client certificates (DER), lower-case hex
);

-- Bearer tokens of the admin HTTP API. Only a SHA-256 of each token is kept: tokens are long random
-- strings, so a fast hash cannot be reversed, and every request can be checked with one index look-up.
CREATE TABLE admin_token (
    id          text PRIMARY KEY,
    token_hash  text        NOT NULL UNIQUE,
    role        text        NOT NULL CHECK (role IN ('admin', 'read-only')),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
