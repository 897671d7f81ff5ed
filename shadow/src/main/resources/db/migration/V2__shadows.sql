-- Device shadows: one row per shadow, written through the group-commit writer before a request is accepted.
CREATE TABLE shadow (
    thing_name   text        NOT NULL,
    shadow_name  text        NOT NULL,      -- '' for the classic (unnamed) shadow
    version      bigint      NOT NULL CHECK (version >= 0),
    document     json,                      -- {"state": {...}, "metadata": {...}}; NULL once deleted (the version is kept)
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thing_name, shadow_name)
);
