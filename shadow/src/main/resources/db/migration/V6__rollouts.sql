-- Firmware rollouts. A rollout row holds its specification (the create request, defaults filled in)
-- and where its engine is: state, current wave, bake end, target scan cursor.
CREATE TABLE rollout (
    id              text PRIMARY KEY,
    release_id      text        NOT NULL,
    target_version  text        NOT NULL,
    spec            jsonb       NOT NULL,
    state           text        NOT NULL CHECK (state IN ('SCHEDULED', 'WAITING_APPROVAL', 'RUNNING', 'PAUSED',
                                                          'COMPLETED', 'ABORTED', 'CANCELED', 'ROLLED_BACK')),
    reason          text,
    current_wave    int         NOT NULL DEFAULT 0,
    bake_until      timestamptz,                -- set while the current wave bakes after passing its gate
    gate_override   int         NOT NULL DEFAULT -1, -- a wave the operator let through despite its gate
    scan_cursor     text,                       -- last device id of the target scan; NULL: from the start
    scan_done       boolean     NOT NULL DEFAULT false,
    eligible        int         NOT NULL DEFAULT 0, -- executions that are not SKIPPED
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rollout_state_idx ON rollout (state);
CREATE INDEX rollout_group_idx ON rollout ((spec -> 'target' ->> 'group'));

-- One device's execution of a rollout. seq numbers the eligible devices in target order (the order
-- waves take them in); wave is set when the device is first notified.
CREATE TABLE rollout_execution (
    rollout_id        text        NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    device_id         text        NOT NULL,
    seq               int,                      -- NULL for SKIPPED
    wave              int,
    state             text        NOT NULL CHECK (state IN ('QUEUED', 'NOTIFIED', 'IN_PROGRESS', 'SUCCEEDED',
                                                            'FAILED', 'TIMED_OUT', 'CANCELED', 'SKIPPED')),
    attempt           int         NOT NULL DEFAULT 0,
    previous_version  text,                     -- the version the device reported before the rollout
    skip_reason       text,
    last_error        jsonb,                    -- {"code", "message"}
    not_before        timestamptz,              -- a retry waits for its backoff
    queued_at         timestamptz NOT NULL DEFAULT now(),
    notified_at       timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rollout_id, device_id)
);
CREATE INDEX rollout_execution_state_idx ON rollout_execution (rollout_id, state, seq);
CREATE INDEX rollout_execution_device_idx ON rollout_execution (device_id, state);
