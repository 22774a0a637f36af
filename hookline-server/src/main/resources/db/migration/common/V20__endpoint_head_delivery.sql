-- A head may name the delivery it stands for: set when a delivery is queued for an endpoint that had
-- no head (nothing it could claim), so that delivery is the endpoint's only claimable one; cleared
-- (NULL) by every other write of the head. With it the claim leases that delivery straight from the
-- head it read, instead of reading the endpoint's due rows in a query of its own: the common case of
-- an app with thousands of endpoints, each of which gets a delivery now and then (measured: that
-- query was a tenth of the writer's time per message with 10,000 channel-scoped endpoints). The claim
-- leases a named delivery only while it is free and due as the head said; otherwise it reads the
-- endpoint's rows again to set the head right.
-- NULL means "not known", never "none": the claim then reads the rows as before.
ALTER TABLE endpoint_heads ADD COLUMN delivery_id TEXT;
