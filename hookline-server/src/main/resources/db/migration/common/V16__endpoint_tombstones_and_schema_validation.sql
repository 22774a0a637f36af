-- Deleting an endpoint keeps its row as a tombstone (deleted_at set, disabled, uid freed) so its
-- deliveries and attempts stay readable on its messages: the foreign keys cascade, and a deleted row
-- would take that history with it. A tombstone is listed nowhere, matches no message, is sent nothing.
ALTER TABLE endpoints ADD COLUMN deleted_at BIGINT;

-- An event type with validate = 1 has its schema enforced on ingest: a message whose data does not
-- match is refused with 422.
ALTER TABLE event_types ADD COLUMN validate INTEGER NOT NULL DEFAULT 0;
