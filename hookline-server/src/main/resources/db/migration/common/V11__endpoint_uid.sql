-- The product's own id for an endpoint (e.g. Lettermint's webhook UUID): unique within the app, and
-- usable in place of the ep_ id in URLs. Null when the product has none.
ALTER TABLE endpoints ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX endpoints_by_uid ON endpoints (app_id, uid);
