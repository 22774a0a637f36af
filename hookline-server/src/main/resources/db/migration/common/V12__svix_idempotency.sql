-- Idempotency-Key of the Svix-compatible API: the first answer to a POST, replayed to its retries.
-- status is NULL while the first request is still running.
CREATE TABLE svix_idempotency (
    caller     TEXT NOT NULL,
    idem_key   TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     INTEGER,
    body       TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (caller, idem_key)
);

CREATE INDEX svix_idempotency_created ON svix_idempotency (created_at);
