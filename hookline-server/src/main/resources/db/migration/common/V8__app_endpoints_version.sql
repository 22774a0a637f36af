-- Bumped in the transaction of every change to one of the app's endpoints (created, updated,
-- deleted, disabled by Hookline). Fan-out keeps each app's routing table in memory and rebuilds it
-- when the version it read differs, so a table is never stale after a change is acknowledged, on
-- any node.
ALTER TABLE apps ADD COLUMN endpoints_version BIGINT NOT NULL DEFAULT 0;
