-- The queue, per endpoint. The dispatcher finds endpoints that have a delivery it may claim now
-- (by their head, next_due_at) and only then reads those endpoints' due rows, so an endpoint that is
-- down, disabled or FIFO-blocked costs nothing per claim whatever its backlog.

-- A lease has columns of its own: next_attempt_at always says when the delivery is due.
ALTER TABLE deliveries ADD COLUMN leased_until BIGINT;
UPDATE deliveries SET leased_until = next_attempt_at WHERE lease_owner IS NOT NULL;

-- The head of each endpoint's queue: when its next delivery may be claimed; null while it has none
-- it may claim (no pending delivery, disabled, or a FIFO endpoint whose oldest delivery is in flight).
-- While the circuit is open the head waits for circuit_open_until. Maintained in the transaction
-- that changes the endpoint's deliveries (delivery/DeliveryQueue). A head may be early (the claim
-- then finds nothing, and sets it right), never late.
ALTER TABLE endpoints ADD COLUMN next_due_at BIGINT;

CREATE INDEX endpoints_by_head ON endpoints (next_due_at) WHERE next_due_at IS NOT NULL;
-- an endpoint's deliveries it may claim, in due order
CREATE INDEX deliveries_claimable ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending' AND lease_owner IS NULL;
-- leases to take back when their holder died
CREATE INDEX deliveries_by_lease ON deliveries (leased_until) WHERE lease_owner IS NOT NULL;
DROP INDEX deliveries_due;

UPDATE endpoints SET next_due_at = (SELECT MIN(d.next_attempt_at) FROM deliveries d
    WHERE d.endpoint_id = endpoints.id AND d.status = 'pending' AND d.lease_owner IS NULL)
WHERE enabled = 1;
