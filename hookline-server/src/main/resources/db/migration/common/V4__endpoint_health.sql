-- Delivery under stress: FIFO endpoints, and each endpoint's health for the circuit breaker.
ALTER TABLE endpoints ADD COLUMN fifo INTEGER NOT NULL DEFAULT 0;
-- consecutive failed attempts since the last success; the circuit opens at a threshold
ALTER TABLE endpoints ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
-- while in the future, none of the endpoint's deliveries is claimed (they wait, attempts unspent)
ALTER TABLE endpoints ADD COLUMN circuit_open_until BIGINT;
-- the first failure since the last success; an endpoint failing for too long is disabled
ALTER TABLE endpoints ADD COLUMN failing_since BIGINT;
ALTER TABLE endpoints ADD COLUMN disabled_reason TEXT;

-- The head of a FIFO endpoint's queue: its pending delivery of the oldest message.
CREATE INDEX deliveries_pending_by_endpoint ON deliveries (endpoint_id, message_id) WHERE status = 'pending';
