-- Retention scans by age: without these, each batch rescans every old row inside the single writer.
CREATE INDEX messages_payload_by_age ON messages (created_at) WHERE payload IS NOT NULL;
CREATE INDEX attempts_by_age ON attempts (created_at);
CREATE INDEX inbound_events_by_age ON inbound_events (received_at);
