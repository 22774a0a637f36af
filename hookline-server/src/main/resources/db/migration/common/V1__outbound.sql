-- The bytes placeholder is BLOB on SQLite and BYTEA on PostgreSQL: the only type the two spell differently.
-- Times are BIGINT milliseconds since the epoch (UTC); flags are INTEGER 0/1; JSON is TEXT.
-- The same types read alike on PostgreSQL, so queries are written once.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    app_id     TEXT,
    key_hash   TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE event_types (
    name        TEXT PRIMARY KEY,
    description TEXT,
    schema_json TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE apps (
    id         TEXT PRIMARY KEY,
    uid        TEXT UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE endpoints (
    id                         TEXT PRIMARY KEY,
    app_id                     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    url                        TEXT NOT NULL,
    enabled                    INTEGER NOT NULL,
    timeout_ms                 INTEGER NOT NULL,
    policy                     TEXT NOT NULL,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);
CREATE INDEX endpoints_by_app ON endpoints (app_id, id);

CREATE TABLE messages (
    id         TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    event_id   TEXT,
    event      TEXT NOT NULL,
    channels   TEXT,
    payload    ${bytes},
    created_at BIGINT NOT NULL,
    UNIQUE (app_id, event_id)
);
CREATE INDEX messages_by_app ON messages (app_id, id);

-- One row per (message, endpoint): the queue. A pending row is due when next_attempt_at has
-- passed. Claiming a row pushes next_attempt_at past the request's timeout (the lease) and stamps
-- lease_owner, so a row whose claimer died becomes due again by itself.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    endpoint_id     TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    app_id          TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT,
    lease_owner     TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (message_id, endpoint_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_endpoint ON deliveries (endpoint_id, id);

CREATE TABLE attempts (
    id            TEXT PRIMARY KEY,
    delivery_id   TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    message_id    TEXT NOT NULL,
    endpoint_id   TEXT NOT NULL,
    app_id        TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    succeeded     INTEGER NOT NULL,
    status_code   INTEGER,
    response_body TEXT,
    duration_ms   BIGINT NOT NULL,
    error         TEXT,
    created_at    BIGINT NOT NULL,
    UNIQUE (delivery_id, attempt)
);
CREATE INDEX attempts_by_message ON attempts (message_id, id);
CREATE INDEX attempts_by_endpoint ON attempts (endpoint_id, id);
