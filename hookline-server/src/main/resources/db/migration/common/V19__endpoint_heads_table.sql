-- Queue heads move out of the endpoints table into one of their own, holding a row only for an endpoint
-- that has a head (a delivery it may claim, now or at next_due_at). An endpoint row is wide (URL,
-- secrets, policy: about 800 bytes, five to a page), and its head was written twice per delivery to an
-- endpoint that gets one now and then (set when queued, cleared when claimed): with thousands of
-- endpoints each message rewrote two rows on two random pages of that table. Here the same two writes
-- touch a table as small as the set of endpoints with work waiting.
-- Invariants unchanged (delivery/DeliveryQueue): a head is never later than the endpoint's first
-- claimable delivery; no row = null (nothing it may claim, disabled, or a FIFO endpoint whose oldest
-- delivery is in flight).
CREATE TABLE endpoint_heads (
    endpoint_id TEXT PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
    next_due_at BIGINT NOT NULL
);
CREATE INDEX endpoint_heads_by_due ON endpoint_heads (next_due_at);
INSERT INTO endpoint_heads (endpoint_id, next_due_at)
    SELECT id, next_due_at FROM endpoints WHERE next_due_at IS NOT NULL AND enabled = 1;
DROP INDEX endpoints_by_head;
ALTER TABLE endpoints DROP COLUMN next_due_at;
