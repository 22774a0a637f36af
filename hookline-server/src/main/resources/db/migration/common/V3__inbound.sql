-- Inbound: sources third parties post to, and every event they accepted.

CREATE TABLE sources (
    id                         TEXT PRIMARY KEY,
    token                      TEXT NOT NULL UNIQUE,
    enabled                    INTEGER NOT NULL,
    config                     TEXT NOT NULL,
    secret                     TEXT,
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    api_key_hash               TEXT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);

CREATE TABLE inbound_events (
    id           TEXT PRIMARY KEY,
    source_id    TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    dedupe_key   TEXT,
    content_type TEXT,
    headers      TEXT NOT NULL,
    body         ${bytes} NOT NULL,
    verification TEXT NOT NULL,
    message_id   TEXT,
    received_at  BIGINT NOT NULL,
    UNIQUE (source_id, dedupe_key)
);
CREATE INDEX inbound_events_by_source ON inbound_events (source_id, id);
