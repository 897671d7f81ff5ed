-- Retained messages: the last retained message of each topic.
CREATE TABLE retained_message (
    topic       text PRIMARY KEY,
    payload     bytea       NOT NULL,
    qos         smallint    NOT NULL CHECK (qos BETWEEN 0 AND 2),
    properties  bytea,                      -- MQTT 5 properties to pass on, as the broker encodes them
    expires_at  timestamptz,                -- from the Message Expiry Interval; NULL: never
    publisher   text,
    stored_at   timestamptz NOT NULL DEFAULT now()
);

-- Persistent sessions (clean session 0 / Session Expiry Interval > 0). The rows that belong to a
-- session reference it by client_id without a foreign key: they are written behind in batches, and a
-- batch may hold a session's subscription before the session itself. Deleting a session deletes them
-- explicitly, and start-up removes any left without a session.
CREATE TABLE mqtt_session (
    client_id        text PRIMARY KEY,
    expiry_seconds   bigint      NOT NULL,
    connected        boolean     NOT NULL,
    expires_at       timestamptz,           -- set while offline; NULL while connected or never expiring
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mqtt_session_expires_at ON mqtt_session (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE mqtt_subscription (
    client_id         text     NOT NULL,
    filter            text     NOT NULL,    -- as the client sent it, with $share/group/ if shared
    qos               smallint NOT NULL CHECK (qos BETWEEN 0 AND 2),
    no_local          boolean  NOT NULL,
    retain_as_published boolean NOT NULL,
    retain_handling   smallint NOT NULL,
    subscription_id   integer  NOT NULL,    -- 0: none
    PRIMARY KEY (client_id, filter)
);

-- Outgoing QoS 1/2 messages of a session: queued (packet_id NULL), sent, or released (PUBREC received).
CREATE TABLE mqtt_session_message (
    client_id        text     NOT NULL,
    seq              bigint   NOT NULL,     -- delivery order within the session
    packet_id        integer,
    released         boolean  NOT NULL DEFAULT false,
    topic            text     NOT NULL,
    payload          bytea    NOT NULL,
    qos              smallint NOT NULL CHECK (qos BETWEEN 1 AND 2),
    retain           boolean  NOT NULL,
    properties       bytea,
    expires_at       timestamptz,
    subscription_ids integer[],
    share_group      text,
    share_filter     text,
    PRIMARY KEY (client_id, seq)
);

-- Incoming QoS 2 packet ids delivered and awaiting PUBREL.
CREATE TABLE mqtt_session_qos2_received (
    client_id  text    NOT NULL,
    packet_id  integer NOT NULL,
    PRIMARY KEY (client_id, packet_id)
);
