-- Why an inbound event was forwarded other than its source's configuration says: its event name
-- (from a header or a JSON path) was missing or not a valid name, so the source's fallback name was
-- used. Null when the event went as configured.
ALTER TABLE inbound_events ADD COLUMN note TEXT;
