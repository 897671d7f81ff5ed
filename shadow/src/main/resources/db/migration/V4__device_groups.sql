-- Device groups: a name for a tag selector. A device is a member when its tags hold every
-- name=value of the selector; membership is computed when asked, never stored.
CREATE TABLE device_group (
    name        text PRIMARY KEY,
    selector    jsonb       NOT NULL,          -- string map, e.g. {"site": "berlin"}
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Group members and tag filters of the admin API are "tags @> selector": this index serves them.
CREATE INDEX device_tags_idx ON device USING gin (tags jsonb_path_ops);
